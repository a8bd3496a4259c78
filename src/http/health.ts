/** Liveness, readiness and Prometheus metrics. */
import { Hono } from "hono";
import { metrics } from "../observability/metrics.ts";

export interface HealthSource {
  /** false while starting and while draining for shutdown: a load balancer stops sending new calls. */
  ready(): boolean;
  details(): Record<string, unknown>;
}

export function healthRoutes(source: HealthSource): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ status: "ok", ...source.details() }));
  app.get("/readyz", (c) => (source.ready() ? c.json({ status: "ready" }) : c.json({ status: "not ready" }, 503)));
  app.get("/metrics", (c) => c.text(metrics.render(), 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }));
  return app;
}
