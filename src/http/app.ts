/** The hono application: every HTTP route of the appliance. */
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { createLogger } from "../observability/log.ts";
import { healthRoutes, type HealthSource } from "./health.ts";
import { requestLog } from "./request-log.ts";

const log = createLogger("http");

export interface AppDeps {
  health: HealthSource;
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use(requestLog);
  app.use(secureHeaders());
  app.route("/", healthRoutes(deps.health));
  app.notFound((c) => c.json({ error: "not found" }, 404));
  app.onError((err, c) => {
    log.error("unhandled error in route", { path: c.req.path, err });
    return c.json({ error: "internal error" }, 500);
  });
  return app;
}
