/** HTTPS certificate: the configured one, else a self-signed one made in the data dir on first start. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import selfsigned from "selfsigned";

export interface TlsMaterial { cert: string; key: string; selfSigned: boolean; certPath: string }

export async function loadOrCreateCertificate(opts: { certPath: string; keyPath: string; dataDir: string; hostname: string }): Promise<TlsMaterial> {
  if (opts.certPath) {
    return { cert: readFileSync(opts.certPath, "utf8"), key: readFileSync(opts.keyPath, "utf8"), selfSigned: false, certPath: opts.certPath };
  }
  const dir = join(opts.dataDir, "tls");
  const certPath = join(dir, "cert.pem");
  const keyPath = join(dir, "key.pem");
  if (existsSync(certPath) && existsSync(keyPath)) {
    return { cert: readFileSync(certPath, "utf8"), key: readFileSync(keyPath, "utf8"), selfSigned: true, certPath };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pems = await selfsigned.generate([{ name: "commonName", value: opts.hostname }], {
    keySize: 2048,
    notAfterDate: new Date(Date.now() + 3650 * 86400_000),
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: opts.hostname }, { type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }] },
    ],
  });
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  writeFileSync(certPath, pems.cert, { mode: 0o644 });
  return { cert: pems.cert, key: pems.private, selfSigned: true, certPath };
}
