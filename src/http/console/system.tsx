/** @jsxImportSource hono/jsx */
/**
 * System page (admin): version, state, uptime, disk, health/metrics links; database backups made online (VACUUM INTO)
 * and downloaded; a restore uploaded here is checked, staged, and applied at the next start (the running calls and
 * the audit chain are never swapped underneath).
 */
import { Hono, type Context } from "hono";
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, rmSync, statfsSync, statSync } from "node:fs";
import { join } from "node:path";
import { Layout } from "../../../admin-ui/views/layout.tsx";
import { texts } from "../../../admin-ui/i18n.ts";
import type { AuditLog } from "../../store/audit-log.ts";
import { backupFileName, hasStagedRestore, stageRestore } from "../../store/backup.ts";
import { fileDigest } from "../../store/file-digest.ts";
import type { AuthEnv } from "../auth/context.ts";
import { requirePermission } from "../auth/middleware.ts";
import { utcTime } from "./form-values.ts";

export interface SystemStatus {
  state: string;
  version: string;
  node: string;
  uptimeS: number;
  liveSessions: number;
}

/** What the system page reads from and asks of the running appliance. */
export interface SystemSource {
  status(): SystemStatus;
  /** Writes a consistent copy of the live database to `target` (which must not exist). */
  backup(target: string): void;
}

/** Backups made here are kept in <data>/backups, newest KEEP only. */
const KEEP = 5;
const BACKUP_NAME = /^backup-[0-9TZ-]+\.db$/;
/** The server takes request bodies up to 32 MiB (src/http/server.ts); larger backups: `avsplit restore FILE` on the box. */
const MAX_UPLOAD = 32 * 1024 * 1024;

export function systemRoutes(deps: { system: SystemSource; audit: AuditLog; dataDir: string }): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.use("*", requirePermission("system:manage"));
  const backupDir = join(deps.dataDir, "backups");
  const backups = () => {
    try {
      return readdirSync(backupDir).filter((n) => BACKUP_NAME.test(n)).sort().reverse()
        .map((name) => ({ name, ...pick(statSync(join(backupDir, name))) }));
    } catch {
      return [];
    }
  };

  const page = (c: Context<AuthEnv>, message?: { error?: string; info?: string }, status: 200 | 400 = 200) => {
    const lang = c.get("lang");
    const t = texts(lang);
    const s = deps.system.status();
    const disk = statfsSync(deps.dataDir);
    const csrf = <input type="hidden" name="_csrf" value={c.get("csrfToken")} />;
    return c.html(
      <Layout lang={lang} title={t.system} user={c.get("user")} csrfToken={c.get("csrfToken")}>
        {message?.error && <p class="error" role="alert">{message.error}</p>}
        {message?.info && <p class="notice" role="status">{message.info}</p>}
        <dl class="summary" id="system-status">
          <dt>{t.version}</dt><dd>{s.version}</dd>
          <dt>{t.node}</dt><dd>{s.node}</dd>
          <dt>{t.state}</dt><dd>{s.state}</dd>
          <dt>{t.uptime}</dt><dd>{s.uptimeS} s</dd>
          <dt>{t.liveSessions}</dt><dd>{s.liveSessions}</dd>
          <dt>{t.diskFree}</dt><dd>{gib(disk.bavail * disk.bsize)} / {gib(disk.blocks * disk.bsize)} GiB</dd>
        </dl>
        <p><a href="/healthz">/healthz</a> · <a href="/readyz">/readyz</a> · <a href="/metrics">/metrics</a></p>
        <h2>{t.backups}</h2>
        <form method="post" action="/console/system/backup" class="inline">{csrf}<button type="submit">{t.createBackup}</button></form>
        <ul id="backups">
          {backups().map((b) => <li><a href={`/console/system/backups/${b.name}`} download>{b.name}</a> · {b.bytes} B · {utcTime(b.mtimeMs)}</li>)}
        </ul>
        <h2>{t.restore}</h2>
        {hasStagedRestore(deps.dataDir) && <p class="notice" id="restore-staged">{t.restoreStaged}</p>}
        <p><small>{t.restoreHint}</small></p>
        <form method="post" action="/console/system/restore" enctype="multipart/form-data" class="card">
          {csrf}
          <label>{t.backupFile}<input type="file" name="backup" accept=".db,application/vnd.sqlite3" required /></label>
          <button type="submit">{t.stageRestore}</button>
        </form>
      </Layout>,
      status,
    );
  };

  app.get("/", (c) => page(c));

  app.post("/backup", async (c) => {
    mkdirSync(backupDir, { recursive: true });
    const name = backupFileName();
    const target = join(backupDir, name);
    deps.system.backup(target);
    deps.audit.append({ type: "system.backup", actor: c.get("user")!.username, data: { file: name, ...(await fileDigest(target)) } });
    for (const old of backups().slice(KEEP)) rmSync(join(backupDir, old.name), { force: true });
    return c.redirect("/console/system", 303);
  });

  app.get("/backups/:name", (c) => {
    const name = c.req.param("name");
    if (!BACKUP_NAME.test(name) || !backups().some((b) => b.name === name)) return c.text("no such backup", 404);
    return new Response(Bun.file(join(backupDir, name)), {
      headers: { "content-type": "application/vnd.sqlite3", "content-disposition": `attachment; filename="${name}"` },
    });
  });

  // The CSRF check has parsed (and buffered) the form already; the server caps request bodies at MAX_UPLOAD.
  app.post("/restore", async (c) => {
    const file = (await c.req.parseBody()).backup;
    if (!(file instanceof File) || file.size === 0) return page(c, { error: "no file" }, 400);
    if (file.size > MAX_UPLOAD) return page(c, { error: texts(c.get("lang")).restoreTooLarge }, 400);
    const upload = join(deps.dataDir, `restore-upload-${randomBytes(6).toString("hex")}.db`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    await Bun.write(upload, bytes);
    try {
      stageRestore(upload, deps.dataDir);
    } catch (err) {
      rmSync(upload, { force: true });
      return page(c, { error: (err as Error).message }, 400);
    }
    const sha256 = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
    deps.audit.append({ type: "system.restore-staged", actor: c.get("user")!.username, data: { file: file.name, bytes: bytes.length, sha256 } });
    return page(c, { info: texts(c.get("lang")).restoreStaged });
  });
  return app;
}

const pick = (s: { size: number; mtimeMs: number }) => ({ bytes: s.size, mtimeMs: s.mtimeMs });
const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(1);
