/**
 * HTTPS certificate: the configured one (http.tls_cert, read-only in the console), else one uploaded in the console,
 * else a self-signed one made in the data dir on first start. Bun.serve cannot swap the certificate of a running
 * listener (server.reload keeps the old one), so an upload applies at the next start.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import selfsigned from "selfsigned";

export type CertificateSource = "config" | "uploaded" | "self-signed";
export interface TlsMaterial { cert: string; key: string; selfSigned: boolean; certPath: string; source: CertificateSource }

export interface CertificateInfo { subject: string; issuer: string; validFrom: Date; validTo: Date; fingerprint256: string }

export interface CertificateLocation { certPath: string; keyPath: string; dataDir: string }

export class CertificateUploadError extends Error {}

const tlsDir = (dataDir: string) => join(dataDir, "tls");
const uploadedPaths = (dataDir: string) => ({ cert: join(tlsDir(dataDir), "uploaded-cert.pem"), key: join(tlsDir(dataDir), "uploaded-key.pem") });
const selfSignedPaths = (dataDir: string) => ({ cert: join(tlsDir(dataDir), "cert.pem"), key: join(tlsDir(dataDir), "key.pem") });
const bothExist = (p: { cert: string; key: string }) => existsSync(p.cert) && existsSync(p.key);

export const describeCertificate = (pem: string): CertificateInfo => {
  const x = new X509Certificate(pem);
  return { subject: x.subject, issuer: x.issuer, validFrom: x.validFromDate, validTo: x.validToDate, fingerprint256: x.fingerprint256 };
};

/** Where a start finds a certificate, in the order it looks. */
function candidates(loc: CertificateLocation): [{ cert: string; key: string }, CertificateSource][] {
  if (loc.certPath) return [[{ cert: loc.certPath, key: loc.keyPath }, "config"]];
  return [[uploadedPaths(loc.dataDir), "uploaded"], [selfSignedPaths(loc.dataDir), "self-signed"]];
}

function storedMaterial(loc: CertificateLocation): TlsMaterial | null {
  for (const [paths, source] of candidates(loc)) {
    if (source === "config" || bothExist(paths)) {
      return { cert: readFileSync(paths.cert, "utf8"), key: readFileSync(paths.key, "utf8"), selfSigned: source === "self-signed", certPath: paths.cert, source };
    }
  }
  return null;
}

/** The certificate the next start serves (the running listener keeps the one it started with). */
export function certificateInForce(loc: CertificateLocation): (CertificateInfo & { source: CertificateSource }) | null {
  const material = storedMaterial(loc);
  return material && { ...describeCertificate(material.cert), source: material.source };
}

/** A PEM certificate (chain: server certificate first) and its unencrypted private key, usable now; else why not. */
export function checkCertificate(certPem: string, keyPem: string, now = new Date()): CertificateInfo {
  let cert: X509Certificate;
  try { cert = new X509Certificate(certPem); } catch { throw new CertificateUploadError("the certificate is not a PEM certificate (-----BEGIN CERTIFICATE-----)"); }
  let key: ReturnType<typeof createPrivateKey>;
  try { key = createPrivateKey(keyPem); } catch { throw new CertificateUploadError("the key is not an unencrypted PEM private key (-----BEGIN PRIVATE KEY-----)"); }
  if (!cert.checkPrivateKey(key)) throw new CertificateUploadError("the private key does not match the certificate");
  if (cert.validToDate < now) throw new CertificateUploadError(`the certificate expired on ${cert.validToDate.toISOString()}`);
  if (cert.validFromDate > now) throw new CertificateUploadError(`the certificate is not valid before ${cert.validFromDate.toISOString()}`);
  return describeCertificate(certPem);
}

/** Checks and stores an uploaded certificate (files 0600) for the next start. */
export function saveUploadedCertificate(dataDir: string, certPem: string, keyPem: string, now = new Date()): CertificateInfo {
  const info = checkCertificate(certPem, keyPem, now);
  mkdirSync(tlsDir(dataDir), { recursive: true, mode: 0o700 });
  const paths = uploadedPaths(dataDir);
  // Written beside, then renamed: a start never reads half a file.
  writeFileSync(`${paths.key}.tmp`, keyPem, { mode: 0o600 });
  writeFileSync(`${paths.cert}.tmp`, certPem, { mode: 0o600 });
  renameSync(`${paths.key}.tmp`, paths.key);
  renameSync(`${paths.cert}.tmp`, paths.cert);
  return info;
}

export async function loadOrCreateCertificate(opts: CertificateLocation & { hostname: string }): Promise<TlsMaterial> {
  const stored = storedMaterial(opts);
  if (stored) return stored;
  const own = selfSignedPaths(opts.dataDir);
  mkdirSync(tlsDir(opts.dataDir), { recursive: true, mode: 0o700 });
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
  writeFileSync(own.key, pems.private, { mode: 0o600 });
  writeFileSync(own.cert, pems.cert, { mode: 0o644 });
  return { cert: pems.cert, key: pems.private, selfSigned: true, certPath: own.cert, source: "self-signed" };
}
