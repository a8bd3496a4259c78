/** @jsxImportSource hono/jsx */
/**
 * The HTTPS certificate part of the configuration page: the certificate the next start serves, and the upload of a
 * PEM certificate + key (checked, stored 0600 in the data dir, audited). A certificate set in the config file is read-only.
 */
import type { Hono } from "hono";
import { texts, type Lang } from "../../../admin-ui/i18n.ts";
import type { LoadedConfig } from "../../config/load.ts";
import type { AuditLog } from "../../store/audit-log.ts";
import type { AuthEnv } from "../auth/context.ts";
import { requirePermission } from "../auth/middleware.ts";
import { certificateInForce, CertificateUploadError, saveUploadedCertificate, type CertificateLocation } from "../tls.ts";
import type { ConfigPage } from "./config-trunks.tsx";

const MAX_PEM_BYTES = 64 * 1024;

export const certificateLocation = (loaded: LoadedConfig, dataDir: string): CertificateLocation =>
  ({ certPath: loaded.config.http.tls_cert, keyPath: loaded.config.http.tls_key, dataDir });

async function pemOf(value: unknown, what: string): Promise<string> {
  if (!(value instanceof File) || value.size === 0) throw new CertificateUploadError(`choose the ${what} file`);
  if (value.size > MAX_PEM_BYTES) throw new CertificateUploadError(`the ${what} file is larger than ${MAX_PEM_BYTES} bytes`);
  return value.text();
}

export function tlsRoutes(app: Hono<AuthEnv>, deps: { config: LoadedConfig; dataDir: string; audit: AuditLog }, page: ConfigPage): void {
  app.post("/tls", requirePermission("config:edit"), async (c) => {
    if (deps.config.config.http.tls_cert) return page(c, `http.tls_cert is provisioned by ${deps.config.source} (read-only)`, 400);
    const form = await c.req.parseBody();
    try {
      const info = saveUploadedCertificate(deps.dataDir, await pemOf(form.cert, "certificate"), await pemOf(form.key, "private key"));
      deps.audit.append({
        type: "config.tls_certificate", actor: c.get("user")!.username,
        data: { subject: info.subject, issuer: info.issuer, valid_to: info.validTo.toISOString(), sha256_fingerprint: info.fingerprint256 },
      });
      return c.redirect("/console/config", 303);
    } catch (err) {
      if (err instanceof CertificateUploadError) return page(c, err.message, 400);
      throw err;
    }
  });
}

export function TlsSection(props: { lang: Lang; location: CertificateLocation; editable: boolean; csrf?: string }) {
  const t = texts(props.lang);
  const cert = certificateInForce(props.location);
  return (
    <>
      <h2>{t.tlsCertificate}</h2>
      {cert && (
        <table id="tls">
          <tbody>
            <tr><th>{t.tlsSource}</th><td>{t[`tlsSource_${cert.source}`]}</td></tr>
            <tr><th>{t.subject}</th><td>{cert.subject}</td></tr>
            <tr><th>{t.issuer}</th><td>{cert.issuer}</td></tr>
            <tr><th>{t.validUntil}</th><td>{cert.validTo.toISOString()}</td></tr>
            <tr><th>{t.fingerprint}</th><td><code id="tls-fingerprint">{cert.fingerprint256}</code></td></tr>
          </tbody>
        </table>
      )}
      {props.editable && cert?.source !== "config" && (
        <form method="post" action="/console/config/tls" enctype="multipart/form-data" class="card" id="tls-form">
          <p><small>{t.tlsAppliesAtRestart}</small></p>
          <input type="hidden" name="_csrf" value={props.csrf} />
          <label>{t.certificateFile}<input type="file" name="cert" accept=".pem,.crt,.cer" required /></label>
          <label>{t.keyFile}<input type="file" name="key" accept=".pem,.key" required /></label>
          <button type="submit">{t.upload}</button>
        </form>
      )}
    </>
  );
}
