/**
 * Embedding the agent widget in an agent desktop served from another origin (`[http] embed_origins`): the page may
 * be framed by those origins, the SDK assets and the widget API answer their CORS requests, and the signalling
 * socket accepts them. Everything else stays same-origin.
 */
import type { MiddlewareHandler } from "hono";

const API_HEADERS = "authorization, content-type, x-avsplit-agent, x-csrf-token";

/** CORS for listed origins on the widget's assets and API (and their preflights). */
export function widgetCors(origins: readonly string[]): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header("origin");
    const allowed = origin !== undefined && origins.includes(origin);
    if (c.req.method === "OPTIONS" && allowed) {
      return c.body(null, 204, {
        "access-control-allow-origin": origin,
        "access-control-allow-methods": "GET, POST",
        "access-control-allow-headers": API_HEADERS,
        "access-control-max-age": "600",
        vary: "origin",
      });
    }
    await next();
    if (allowed) {
      c.res.headers.set("access-control-allow-origin", origin);
      c.res.headers.set("cross-origin-resource-policy", "cross-origin");
      c.res.headers.append("vary", "origin");
    }
  };
}

/**
 * Browsers send Origin on WebSocket upgrades and apply no CORS to them: a page of any site could open the socket
 * with the agent's cookie. Only this appliance's own origin and the listed ones may.
 */
export function websocketOriginCheck(origins: readonly string[]): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header("origin");
    if (origin !== undefined && origin !== new URL(c.req.url).origin && !origins.includes(origin)) {
      return c.text(`origin ${origin} may not open the agent socket`, 403);
    }
    await next();
  };
}
