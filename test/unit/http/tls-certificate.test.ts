import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import selfsigned from "selfsigned";
import { certificateInForce, checkCertificate, loadOrCreateCertificate, saveUploadedCertificate } from "../../../src/http/tls.ts";
import { tempDir } from "../../support/temp-dir.ts";
import { consoleFixture } from "./console-fixture.ts";

type Pems = Awaited<ReturnType<typeof selfsigned.generate>>;
let a: Pems;
let b: Pems;
const dir = tempDir("avsplit-tls-");
const DAY = 86400_000;

beforeAll(async () => {
  const opts = { keySize: 2048, algorithm: "sha256", notBeforeDate: new Date(Date.now() - DAY), notAfterDate: new Date(Date.now() + 30 * DAY) };
  [a, b] = await Promise.all([selfsigned.generate([{ name: "commonName", value: "a.test" }], opts), selfsigned.generate([{ name: "commonName", value: "b.test" }], opts)]);
});
afterAll(() => dir.cleanup());

describe("HTTPS certificate upload", () => {
  test("refuses what it cannot serve, naming why", () => {
    expect(() => checkCertificate("hello", a.private)).toThrow("the certificate is not a PEM certificate");
    expect(() => checkCertificate(a.cert, a.cert)).toThrow("the key is not an unencrypted PEM private key");
    expect(() => checkCertificate(a.cert, b.private)).toThrow("the private key does not match the certificate");
    expect(() => checkCertificate(a.cert, a.private, new Date(Date.now() + 31 * DAY))).toThrow("the certificate expired on");
    expect(() => checkCertificate(a.cert, a.private, new Date(Date.now() - 2 * DAY))).toThrow("the certificate is not valid before");
    expect(checkCertificate(a.cert, a.private).subject).toBe("CN=a.test");
  });

  test("an accepted upload is stored 0600 and served from the next start, before the self-signed one", async () => {
    const dataDir = join(dir.path, "data");
    const selfSigned = await loadOrCreateCertificate({ certPath: "", keyPath: "", dataDir, hostname: "node-1" });
    expect(selfSigned.source).toBe("self-signed");
    const info = saveUploadedCertificate(dataDir, a.cert, a.private);
    for (const f of ["uploaded-cert.pem", "uploaded-key.pem"]) expect(statSync(join(dataDir, "tls", f)).mode & 0o777).toBe(0o600);
    const next = await loadOrCreateCertificate({ certPath: "", keyPath: "", dataDir, hostname: "node-1" });
    expect(next).toMatchObject({ source: "uploaded", cert: a.cert, key: a.private, selfSigned: false });
    expect(certificateInForce({ certPath: "", keyPath: "", dataDir })).toMatchObject({ source: "uploaded", fingerprint256: info.fingerprint256 });
    expect(() => saveUploadedCertificate(dataDir, b.cert, a.private)).toThrow("does not match");
    expect((await loadOrCreateCertificate({ certPath: "", keyPath: "", dataDir, hostname: "node-1" })).cert).toBe(a.cert);
  });

  test("a certificate set in the config file wins over an upload", async () => {
    const dataDir = join(dir.path, "provisioned");
    saveUploadedCertificate(dataDir, a.cert, a.private);
    const certPath = join(dir.path, "b-cert.pem");
    const keyPath = join(dir.path, "b-key.pem");
    writeFileSync(certPath, b.cert);
    writeFileSync(keyPath, b.private);
    expect(await loadOrCreateCertificate({ certPath, keyPath, dataDir, hostname: "node-1" })).toMatchObject({ source: "config", cert: b.cert });
    expect(certificateInForce({ certPath, keyPath, dataDir })?.subject).toBe("CN=b.test");
  });

  test("the configuration page shows a provisioned certificate read-only and refuses an upload over it", async () => {
    const certPath = join(dir.path, "page-cert.pem");
    const keyPath = join(dir.path, "page-key.pem");
    writeFileSync(certPath, b.cert);
    writeFileSync(keyPath, b.private);
    const fx = consoleFixture({ config: `[http]\ntls_cert = "${certPath}"\ntls_key = "${keyPath}"\n` });
    try {
      await fx.addUser("admin", "admin");
      const admin = fx.client();
      await admin.signIn("admin");
      const html = await (await admin.request("/console/config")).text();
      expect(html).toContain("CN=b.test");
      expect(html).toContain("配置文件设定（只读）");
      expect(html).not.toContain('id="tls-form"');
      const form = new FormData();
      form.set("_csrf", (await admin.csrf("/console/config"))!);
      form.set("cert", new File([a.cert], "cert.pem"));
      form.set("key", new File([a.private], "key.pem"));
      const res = await admin.request("/console/config/tls", { method: "POST", body: form });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("http.tls_cert is provisioned by /etc/avsplit/avsplit.toml (read-only)");
      expect(certificateInForce({ certPath: "", keyPath: "", dataDir: fx.consoleDeps.dataDir })).toBeNull();
    } finally {
      fx.close();
    }
  });
});
