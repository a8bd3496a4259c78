/** API authentication: `Authorization: Bearer <token>` (a user's API token) or the console cookie; JSON errors. */
import type { MiddlewareHandler } from "hono";
import type { ApiTokenRepository } from "../../store/api-tokens.ts";
import type { AuthEnv } from "../auth/context.ts";
import { can, type Permission } from "../auth/permissions.ts";

export function bearerAuth(tokens: ApiTokenRepository): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      const user = m ? tokens.resolve(m[1]) : undefined;
      if (!user) return c.json({ error: "invalid API token" }, 401);
      c.set("user", user);
      c.set("csrfToken", undefined);
    }
    await next();
  };
}

export function apiPermission(permission: Permission): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const user = c.get("user");
    if (!user) return c.json({ error: "authentication required (Authorization: Bearer <API token>, or the console cookie)" }, 401);
    if (!can(user.role, permission)) return c.json({ error: `the ${user.role} role may not do this (${permission})` }, 403);
    await next();
  };
}
