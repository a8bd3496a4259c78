/** A console app over an in-memory store, with a cookie jar, for route tests without sockets. */
import { AuditLog } from "../../src/store/audit-log.ts";
import { openStore } from "../../src/store/db.ts";
import { SessionRecords } from "../../src/store/session-records.ts";
import { UserRepository, type Role } from "../../src/store/users.ts";
import { WebSessionRepository } from "../../src/store/web-sessions.ts";
import { createApp } from "../../src/http/app.ts";

export function consoleApp() {
  const store = openStore(":memory:");
  const users = new UserRepository(store.db);
  const audit = new AuditLog(store.sqlite);
  const app = createApp({
    nodeId: "test",
    users,
    audit,
    webSessions: new WebSessionRepository(store.db),
    sessions: new SessionRecords(store.db),
    setupCode: () => (users.count() === 0 ? "setup-123" : undefined),
    health: { ready: () => true, details: () => ({}) },
    agents: { gateway: { connect: () => ({ receive() {}, disconnect() {} }) }, agentForToken: () => false },
  });

  /** A browser-like client: keeps cookies, sends forms. */
  const client = () => {
    const jar = new Map<string, string>();
    const request = async (path: string, init: RequestInit & { form?: Record<string, string> } = {}) => {
      const headers = new Headers(init.headers);
      if (jar.size) headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
      let body = init.body;
      if (init.form) {
        body = new URLSearchParams(init.form).toString();
        headers.set("content-type", "application/x-www-form-urlencoded");
      }
      const res = await app.request(`https://avsplit.test${path}`, { ...init, headers, body, redirect: "manual" });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(";");
        const [k, v] = pair.split("=");
        if (/max-age=0|expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(k);
        else jar.set(k, v);
      }
      return res;
    };
    const csrf = async () => /name="_csrf" value="([^"]+)"/.exec(await (await request("/console/audit")).text())?.[1];
    const signIn = (username: string, password: string) => request("/login", { method: "POST", form: { username, password } });
    return { request, signIn, csrf, jar };
  };

  const addUser = (username: string, role: Role, agentId?: string) => users.add({ username, role, password: `${username}-password-123`, agentId });
  return { app, store, users, audit, client, addUser };
}
