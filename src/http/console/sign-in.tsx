/** @jsxImportSource hono/jsx */
/** First-start setup, sign-in, sign-out and language choice. */
import { Hono, type Context } from "hono";
import { getConnInfo } from "hono/bun";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { Layout } from "../../../admin-ui/views/layout.tsx";
import { texts } from "../../../admin-ui/i18n.ts";
import type { AuditLog } from "../../store/audit-log.ts";
import { UserError, type UserRepository } from "../../store/users.ts";
import type { WebSessionRepository } from "../../store/web-sessions.ts";
import type { AuthEnv } from "../auth/context.ts";
import { SESSION_COOKIE } from "../auth/middleware.ts";

export interface SignInDeps {
  users: UserRepository;
  webSessions: WebSessionRepository;
  audit: AuditLog;
  /** Shown in the service log at first start; required to create the first administrator. */
  setupCode: () => string | undefined;
}

const remoteOf = (c: Context) => {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null; // app.request() in tests has no socket
  }
};

/** Only same-site absolute paths: an open redirect to another host is a phishing aid. */
const safeNext = (next: unknown) => (typeof next === "string" && /^\/(?!\/)[\w\-./?=&%]*$/.test(next) ? next : "/console/");

export function signInRoutes(deps: SignInDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  const startSession = (c: Context, userId: number) => {
    const { token } = deps.webSessions.create(userId, remoteOf(c));
    setCookie(c, SESSION_COOKIE, token, { httpOnly: true, secure: true, sameSite: "Strict", path: "/" });
  };

  app.get("/setup", (c) => {
    if (deps.users.count() > 0) return c.redirect("/login", 303);
    return c.html(<SetupPage lang={c.get("lang")} />);
  });

  app.post("/setup", async (c) => {
    const lang = c.get("lang");
    const t = texts(lang);
    if (deps.users.count() > 0) return c.text("already set up", 409);
    const form = await c.req.parseBody();
    const code = deps.setupCode();
    if (!code || form.code !== code) return c.html(<SetupPage lang={lang} error={t.badSetupCode} />, 403);
    if (form.password !== form.password2) return c.html(<SetupPage lang={lang} error={t.passwordsDiffer} />, 400);
    try {
      const user = await deps.users.add({ username: String(form.username ?? ""), password: String(form.password ?? ""), role: "admin" });
      deps.audit.append({ type: "user.added", actor: user.username, data: { username: user.username, role: "admin", via: "setup" } });
      startSession(c, user.id);
      return c.redirect("/console/", 303);
    } catch (err) {
      if (err instanceof UserError) return c.html(<SetupPage lang={lang} error={err.message} />, 400);
      throw err;
    }
  });

  app.get("/login", (c) => {
    if (deps.users.count() === 0) return c.redirect("/setup", 303);
    return c.html(<LoginPage lang={c.get("lang")} next={safeNext(c.req.query("next"))} />);
  });

  app.post("/login", async (c) => {
    const lang = c.get("lang");
    const t = texts(lang);
    const form = await c.req.parseBody();
    const username = String(form.username ?? "");
    const next = safeNext(form.next);
    const result = await deps.users.signIn(username, String(form.password ?? ""));
    const from = remoteOf(c);
    if (!result.ok) {
      deps.audit.append({ type: "user.sign_in_failed", actor: username || "(empty)", data: { reason: result.reason, remote: from, failed: result.failedLogins } });
      const error = result.reason === "locked" ? `${t.locked} ${new Date(result.lockedUntil!).toISOString()}` : t.badCredentials;
      return c.html(<LoginPage lang={lang} next={next} error={error} />, result.reason === "locked" ? 429 : 401);
    }
    deps.audit.append({ type: "user.signed_in", actor: result.user.username, data: { remote: from } });
    startSession(c, result.user.id);
    return c.redirect(result.user.role === "agent" ? "/agent/" : next, 303);
  });

  app.post("/logout", (c) => {
    const token = getCookie(c, SESSION_COOKIE);
    const user = c.get("user");
    if (token) deps.webSessions.destroy(token);
    if (user) deps.audit.append({ type: "user.signed_out", actor: user.username, data: {} });
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true });
    return c.redirect("/login", 303);
  });

  app.get("/lang/:lang", (c) => {
    setCookie(c, "lang", c.req.param("lang") === "en" ? "en" : "zh-CN", { path: "/", sameSite: "Lax", secure: true });
    return c.redirect(c.req.header("referer")?.replace(/^https?:\/\/[^/]+/, "") || "/console/", 303);
  });

  return app;
}

function SetupPage(props: { lang: "zh-CN" | "en"; error?: string }) {
  const t = texts(props.lang);
  return (
    <Layout lang={props.lang} title={t.setupTitle}>
      <p>{t.setupHint}</p>
      {props.error && <p class="error" role="alert">{props.error}</p>}
      <form method="post" action="/setup" class="card">
        <label>{t.setupCode}<input name="code" required autocomplete="off" /></label>
        <label>{t.username}<input name="username" required value="admin" /></label>
        <label>{t.password}<input name="password" type="password" required minlength={10} autocomplete="new-password" /></label>
        <label>{t.passwordAgain}<input name="password2" type="password" required minlength={10} autocomplete="new-password" /></label>
        <button type="submit">{t.add}</button>
      </form>
    </Layout>
  );
}

function LoginPage(props: { lang: "zh-CN" | "en"; next: string; error?: string }) {
  const t = texts(props.lang);
  return (
    <Layout lang={props.lang} title={t.signIn}>
      {props.error && <p class="error" role="alert">{props.error}</p>}
      <form method="post" action="/login" class="card">
        <input type="hidden" name="next" value={props.next} />
        <label>{t.username}<input name="username" required autocomplete="username" /></label>
        <label>{t.password}<input name="password" type="password" required autocomplete="current-password" /></label>
        <button type="submit">{t.signIn}</button>
      </form>
    </Layout>
  );
}
