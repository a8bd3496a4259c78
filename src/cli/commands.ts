/** The avsplit sub-commands. Each returns the process exit code. */
import { parseArgs } from "node:util";
import { ConfigError } from "../config/errors.ts";
import { loadConfigFile } from "../config/load.ts";
import { Appliance, databasePath } from "../main.ts";
import { AuditLog } from "../store/audit-log.ts";
import { exportAudit, verifyExportFile, type ExportFormat } from "../store/audit-export.ts";
import { backupFileName, backupTo, restoreFrom } from "../store/backup.ts";
import { isZip, verifyEvidenceFile } from "../store/evidence-verify.ts";
import { openStore } from "../store/db.ts";
import { migrate } from "../store/migrate.ts";
import { ROLES, UserRepository, type Role } from "../store/users.ts";
import { COMMON_OPTIONS, resolveConfig, withStore, type CommonFlags } from "./context.ts";
import { readPassword } from "./password.ts";
import { UsageError } from "./usage.ts";

type Options = Parameters<typeof parseArgs>[0] extends infer T ? (T extends { options?: infer O } ? O : never) : never;

function parse<O extends Options>(args: string[], options: O, positionals: { min: number; max: number; names: string }) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const n = parsed.positionals.length;
  if (n < positionals.min || n > positionals.max) throw new UsageError(`expected ${positionals.names || "no arguments"}, got ${n ? parsed.positionals.join(" ") : "none"}`);
  return parsed;
}

function parseTime(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (Number.isNaN(ms)) throw new UsageError(`${flag} "${text}" is not an ISO 8601 time or epoch milliseconds`);
  return ms;
}

export async function serve(args: string[]): Promise<number> {
  const { values } = parse(args, COMMON_OPTIONS, { min: 0, max: 0, names: "" });
  const appliance = await Appliance.start(resolveConfig(values));
  await new Promise<void>((resolve) => {
    const onSignal = (signal: string) => {
      process.stderr.write(JSON.stringify({ t: new Date().toISOString(), level: "info", c: "cli", msg: "signal received", signal }) + "\n");
      const drainMs = appliance.config.node.drain_s * 1000;
      // A stop that overruns drain + 5 s is a bug; exit non-zero rather than hang a systemd stop.
      setTimeout(() => process.exit(70), drainMs + 5000).unref();
      appliance.stop(drainMs).then(resolve);
    };
    process.once("SIGTERM", () => onSignal("SIGTERM"));
    process.once("SIGINT", () => onSignal("SIGINT"));
  });
  return 0;
}

export async function migrateCommand(args: string[]): Promise<number> {
  const { values } = parse(args, COMMON_OPTIONS, { min: 0, max: 0, names: "" });
  const loaded = resolveConfig(values);
  const store = openStore(databasePath(loaded.config.node.data_dir), { migrate: false });
  try {
    const result = migrate(store.sqlite);
    console.log(result.applied.length ? `applied ${result.applied.join(", ")}` : "database is up to date", `(at ${result.current})`);
  } finally {
    store.close();
  }
  return 0;
}

export async function user(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const options = { ...COMMON_OPTIONS, role: { type: "string" }, agent: { type: "string" } } as const;
  if (action === "list") {
    const { values } = parse(rest, COMMON_OPTIONS, { min: 0, max: 0, names: "" });
    return withStore(values, async (store) => {
      for (const u of new UserRepository(store.db).list()) {
        console.log([u.username, u.role, u.agentId ?? "-", u.disabled ? "disabled" : "active"].join("\t"));
      }
      return 0;
    });
  }
  if (action === "add" || action === "passwd") {
    const { values, positionals } = parse(rest, action === "add" ? options : COMMON_OPTIONS, { min: 1, max: 1, names: "NAME" });
    const role = (values as { role?: string }).role;
    if (action === "add" && (!role || !ROLES.includes(role as Role))) throw new UsageError(`--role must be one of ${ROLES.join(", ")}`);
    const password = await readPassword(`Password for ${positionals[0]}: `);
    return withStore(values as CommonFlags, async (store) => {
      const users = new UserRepository(store.db);
      const audit = new AuditLog(store.sqlite);
      if (action === "add") {
        await users.add({ username: positionals[0], password, role: role as Role, agentId: (values as { agent?: string }).agent });
        audit.append({ type: "user.added", actor: "cli", data: { username: positionals[0], role } });
        console.log(`user ${positionals[0]} added (${role})`);
      } else {
        await users.setPassword(positionals[0], password);
        audit.append({ type: "user.password_changed", actor: "cli", data: { username: positionals[0] } });
        console.log(`password of ${positionals[0]} changed`);
      }
      return 0;
    });
  }
  throw new UsageError(`user needs one of: add, passwd, list`);
}

export async function audit(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action === "export") {
    const options = { ...COMMON_OPTIONS, from: { type: "string" }, to: { type: "string" }, session: { type: "string" }, format: { type: "string" }, out: { type: "string" } } as const;
    const { values } = parse(rest, options, { min: 0, max: 0, names: "" });
    const format = (values.format ?? "json") as ExportFormat;
    if (format !== "json" && format !== "csv") throw new UsageError(`--format must be csv or json`);
    const range = { from: parseTime(values.from, "--from"), to: parseTime(values.to, "--to"), sessionId: values.session };
    return withStore(values, async (store, loaded) => {
      const sink = values.out ? Bun.file(values.out).writer() : undefined;
      const write = sink ? (s: string) => void sink.write(s) : (s: string) => void process.stdout.write(s);
      const summary = exportAudit(new AuditLog(store.sqlite), range, format, write, { node: loaded.config.node.id });
      if (sink) await sink.end();
      console.error(`exported ${summary.rows} events${summary.rows ? ` (seq ${summary.firstSeq}..${summary.lastSeq}, last hash ${summary.lastHash})` : ""}`);
      return 0;
    });
  }
  if (action === "verify") {
    const { values, positionals } = parse(rest, COMMON_OPTIONS, { min: 0, max: 1, names: "at most one FILE" });
    const file = positionals[0];
    const report = !file
      ? await withStore(values, async (store) => new AuditLog(store.sqlite).verify())
      : isZip(await Bun.file(file).slice(0, 4).bytes()) ? await verifyEvidenceFile(file) : await verifyExportFile(file);
    const what = positionals[0] ?? "database";
    if (report.ok) {
      console.log(`${what}: OK, ${report.rows} events${report.rows ? `, seq ${report.firstSeq}..${report.lastSeq}, last hash ${report.lastHash}` : ""}`);
      return 0;
    }
    console.log(`${what}: FAILED, ${report.problems.length} problem(s) in ${report.rows} events`);
    for (const p of report.problems) console.log(`  ${p}`);
    return 1;
  }
  throw new UsageError(`audit needs one of: export, verify`);
}

export async function configCheck(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action !== "check") throw new UsageError(`config needs: check FILE`);
  const { positionals } = parse(rest, {}, { min: 1, max: 1, names: "FILE" });
  const loaded = loadConfigFile(positionals[0]);
  console.log(`${positionals[0]}: OK (${loaded.config.trunk.length} trunks, ${loaded.config.agent.length} agents)`);
  return 0;
}

export async function backup(args: string[]): Promise<number> {
  const { values } = parse(args, { ...COMMON_OPTIONS, out: { type: "string" } }, { min: 0, max: 0, names: "" });
  return withStore(values, async (store, loaded) => {
    const target = values.out ?? `${loaded.config.node.data_dir}/${backupFileName()}`;
    backupTo(store.sqlite, target);
    console.log(`backup written to ${target}`);
    return 0;
  });
}

export async function restore(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, COMMON_OPTIONS, { min: 1, max: 1, names: "FILE" });
  const loaded = resolveConfig(values);
  const dbPath = databasePath(loaded.config.node.data_dir);
  restoreFrom(positionals[0], dbPath);
  // A backup from an older version is brought up to this build's schema right away.
  await withStore(values, async () => 0);
  console.log(`restored ${positionals[0]} into ${dbPath} (previous database kept as ${dbPath}.before-restore)`);
  return 0;
}

export function describeError(err: unknown): string {
  if (err instanceof ConfigError) return `configuration error:\n  ${err.problems.join("\n  ")}`;
  return (err as Error).message ?? String(err);
}
