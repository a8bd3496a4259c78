/** Bun.serve over HTTPS, plus an optional plain-HTTP listener that only redirects to HTTPS. */
import type { Server, WebSocketHandler } from "bun";
import { websocket } from "hono/bun";
import type { TlsMaterial } from "./tls.ts";

export interface HttpServers {
  https: Server<unknown>;
  redirect?: Server<unknown>;
  /** Stop accepting; in-flight requests finish. Idempotent. */
  stop(): Promise<void>;
}

export function startHttpServers(app: { fetch: (req: Request, server: Server<unknown>) => Response | Promise<Response> }, opts: { host: string; port: number; tls: TlsMaterial; redirect?: { host: string; port: number } }): HttpServers {
  const https = Bun.serve({
    hostname: opts.host,
    port: opts.port,
    tls: { cert: opts.tls.cert, key: opts.tls.key },
    maxRequestBodySize: 32 * 1024 * 1024,
    fetch: app.fetch,
    websocket: { ...(websocket as unknown as WebSocketHandler<unknown>), maxPayloadLength: 256 * 1024, idleTimeout: 120 },
  });
  const redirect = opts.redirect
    ? Bun.serve({
        hostname: opts.redirect.host,
        port: opts.redirect.port,
        maxRequestBodySize: 1024,
        fetch(req) {
          const url = new URL(req.url);
          url.protocol = "https:";
          url.port = String(https.port);
          return new Response(null, { status: 308, headers: { location: url.toString() } });
        },
      })
    : undefined;
  let stopping: Promise<void> | undefined;
  return {
    https,
    redirect,
    stop() {
      stopping ??= Promise.all([https.stop(), redirect?.stop()]).then(() => undefined);
      return stopping;
    },
  };
}
