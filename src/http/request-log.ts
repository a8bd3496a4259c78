import type { MiddlewareHandler } from "hono";
import { createLogger } from "../observability/log.ts";
import { metrics } from "../observability/metrics.ts";

const log = createLogger("http");
const requests = metrics.counter("avsplit_http_requests_total", "HTTP requests by status class");
const duration = metrics.histogram("avsplit_http_request_seconds", "HTTP request duration", [0.001, 0.005, 0.02, 0.1, 0.5, 2]);

export const requestLog: MiddlewareHandler = async (c, next) => {
  const start = performance.now();
  await next();
  const ms = performance.now() - start;
  const status = c.res.status;
  requests.inc({ code: `${Math.floor(status / 100)}xx` });
  duration.observe(ms / 1000);
  const fields = { method: c.req.method, path: c.req.path, status, ms: Math.round(ms * 10) / 10 };
  if (status >= 500) log.warn("request failed", fields);
  else log.debug("request", fields);
};
