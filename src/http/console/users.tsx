/** @jsxImportSource hono/jsx */
/** User administration (admin only): list, add, set password, disable. */
import { Hono, type Context } from "hono";
import { Layout } from "../../../admin-ui/views/layout.tsx";
import { texts } from "../../../admin-ui/i18n.ts";
import type { AuditLog } from "../../store/audit-log.ts";
import { ROLES, UserError, type Role, type UserRepository } from "../../store/users.ts";
import type { AuthEnv } from "../auth/context.ts";
import { requirePermission } from "../auth/middleware.ts";

export function userRoutes(deps: { users: UserRepository; audit: AuditLog }): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.use("*", requirePermission("users:manage"));

  const page = (c: Context<AuthEnv>, error?: string, status: 200 | 400 = 200) => {
    const lang = c.get("lang");
    const t = texts(lang);
    return c.html(
      <Layout lang={lang} title={t.users} user={c.get("user")} csrfToken={c.get("csrfToken")}>
        <table>
          <thead><tr><th>{t.username}</th><th>{t.role}</th><th>{t.agentId}</th><th></th></tr></thead>
          <tbody>
            {deps.users.list().map((u) => (
              <tr><td>{u.username}</td><td>{u.role}</td><td>{u.agentId ?? ""}</td><td>{u.disabled ? "disabled" : ""}</td></tr>
            ))}
          </tbody>
        </table>
        <h2>{t.add}</h2>
        {error && <p class="error" role="alert">{error}</p>}
        <form method="post" action="/console/users" class="card">
          <input type="hidden" name="_csrf" value={c.get("csrfToken")} />
          <label>{t.username}<input name="username" required /></label>
          <label>{t.role}<select name="role">{ROLES.map((r) => <option value={r}>{r}</option>)}</select></label>
          <label>{t.agentId}<input name="agentId" /></label>
          <label>{t.password}<input name="password" type="password" required minlength={10} autocomplete="new-password" /></label>
          <button type="submit">{t.add}</button>
        </form>
      </Layout>,
      status,
    );
  };

  app.get("/", (c) => page(c));
  app.post("/", async (c) => {
    const form = await c.req.parseBody();
    const actor = c.get("user")!.username;
    try {
      const user = await deps.users.add({
        username: String(form.username ?? ""),
        password: String(form.password ?? ""),
        role: String(form.role) as Role,
        agentId: form.agentId ? String(form.agentId) : null,
      });
      deps.audit.append({ type: "user.added", actor, data: { username: user.username, role: user.role, agentId: user.agentId } });
      return c.redirect("/console/users", 303);
    } catch (err) {
      if (err instanceof UserError) return page(c, err.message, 400);
      throw err;
    }
  });
  return app;
}
