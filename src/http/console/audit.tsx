/** @jsxImportSource hono/jsx */
/** Audit log: newest events, chain verification, export download. */
import { Hono } from "hono";
import { Layout } from "../../../admin-ui/views/layout.tsx";
import { texts } from "../../../admin-ui/i18n.ts";
import type { AuditLog } from "../../store/audit-log.ts";
import type { AuthEnv } from "../auth/context.ts";
import { requirePermission } from "../auth/middleware.ts";
import { auditDownload } from "./audit-download.ts";

const PAGE_SIZE = 100;

export function auditRoutes(deps: { audit: AuditLog; nodeId: string }): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  app.get("/", requirePermission("audit:view"), (c) => {
    const lang = c.get("lang");
    const t = texts(lang);
    const rows = deps.audit.newest(PAGE_SIZE);
    return c.html(
      <Layout lang={lang} title={t.audit} user={c.get("user")} csrfToken={c.get("csrfToken")}>
        <p>
          <button hx-post="/console/audit/verify" hx-target="#verify-result">{t.verify}</button>{" "}
          <a href="/console/audit/export?format=csv">{t.exportCsv}</a> · <a href="/console/audit/export?format=json">{t.exportJson}</a>
        </p>
        <div id="verify-result" aria-live="polite"></div>
        <table>
          <thead><tr><th>#</th><th>{t.time}</th><th>{t.type}</th><th>{t.actor}</th><th>{t.details}</th></tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr><td>{r.seq}</td><td>{new Date(r.ts).toISOString()}</td><td>{r.type}</td><td>{r.actor}</td><td><code>{r.data}</code></td></tr>
            ))}
          </tbody>
        </table>
      </Layout>,
    );
  });

  app.post("/verify", requirePermission("audit:view"), (c) => {
    const t = texts(c.get("lang"));
    const report = deps.audit.verify();
    if (report.ok) return c.html(<p class="ok">{t.chainOk}: {report.rows} · seq {report.firstSeq}..{report.lastSeq}</p>);
    return c.html(
      <div class="error"><p>{t.chainBroken}</p><ul>{report.problems.map((p) => <li>{p}</li>)}</ul></div>,
    );
  });

  app.get("/export", requirePermission("audit:export"), (c) =>
    auditDownload(deps.audit, { format: c.req.query("format") === "csv" ? "csv" : "json", range: {}, node: deps.nodeId, actor: c.get("user")!.username }),
  );
  return app;
}
