/** Cookie sessions, CSRF checks and per-route permissions for the console. */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { timingSafeEqual } from "node:crypto";
import type { WebSessionRepository } from "../../store/web-sessions.ts";
import type { AuthEnv } from "./context.ts";
import { can, type Permission } from "./permissions.ts";

export const SESSION_COOKIE = "avsplit_session";
export const CSRF_HEADER = "x-csrf-token";
export const CSRF_FIELD = "_csrf";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function sessionMiddleware(sessions: WebSessionRepository): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    const resolved = token ? sessions.resolve(token) : undefined;
    c.set("user", resolved ? { id: resolved.user.id, username: resolved.user.username, role: resolved.user.role, agentId: resolved.user.agentId } : undefined);
    c.set("csrfToken", resolved?.csrfToken);
    c.set("lang", getCookie(c, "lang") === "en" ? "en" : "zh-CN");
    await next();
  };
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function submittedCsrf(c: Context): Promise<string | undefined> {
  const header = c.req.header(CSRF_HEADER);
  if (header) return header;
  const type = c.req.header("content-type") ?? "";
  if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
    const body = await c.req.parseBody();
    const v = body[CSRF_FIELD];
    return typeof v === "string" ? v : undefined;
  }
  return undefined;
}

/** Every state-changing request of a signed-in user must carry the session's CSRF token (form field or header). */
export const csrfProtection: MiddlewareHandler<AuthEnv> = async (c, next) => {
  if (UNSAFE.has(c.req.method) && c.get("user")) {
    const expected = c.get("csrfToken");
    const got = await submittedCsrf(c);
    if (!expected || !got || !sameToken(expected, got)) return c.text("CSRF token missing or wrong", 403);
  }
  await next();
};

/** Not signed in: HTML pages redirect to /login, API and htmx requests get 401. Signed in without the permission: 403. */
export function requirePermission(permission: Permission): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const user = c.get("user");
    if (!user) {
      const wantsHtml = (c.req.header("accept") ?? "").includes("text/html") && !c.req.header("hx-request");
      return wantsHtml ? c.redirect(`/login?next=${encodeURIComponent(new URL(c.req.url).pathname)}`, 303) : c.text("sign in first", 401);
    }
    if (!can(user.role, permission)) return c.text(`the ${user.role} role may not do this (${permission})`, 403);
    await next();
  };
}
