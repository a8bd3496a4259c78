/** The hono application: every HTTP route of the appliance. */
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { createLogger } from "../observability/log.ts";
import type { AuditLog } from "../store/audit-log.ts";
import type { SessionRecords } from "../store/session-records.ts";
import type { UserRepository } from "../store/users.ts";
import type { WebSessionRepository } from "../store/web-sessions.ts";
import type { AuthEnv } from "./auth/context.ts";
import { csrfProtection, sessionMiddleware } from "./auth/middleware.ts";
import { agentRoutes, type AgentRouteDeps } from "./agent/routes.ts";
import { apiRoutes } from "./api/routes.ts";
import { apiTokenRoutes } from "./console/api-token.tsx";
import { systemRoutes } from "./console/system.tsx";
import { auditRoutes } from "./console/audit.tsx";
import { configRoutes } from "./console/config.tsx";
import type { ConsoleDeps } from "./console/console-deps.ts";
import { evidenceRoutes } from "./console/evidence.ts";
import { sessionRoutes } from "./console/sessions.tsx";
import { dashboardRoutes } from "./console/dashboard.tsx";
import { signInRoutes } from "./console/sign-in.tsx";
import { userRoutes } from "./console/users.tsx";
import { healthRoutes, type HealthSource } from "./health.ts";
import { requestLog } from "./request-log.ts";
import { staticRoutes } from "./static.ts";

const log = createLogger("http");

export interface AppDeps {
  health: HealthSource;
  nodeId: string;
  users: UserRepository;
  webSessions: WebSessionRepository;
  sessions: SessionRecords;
  audit: AuditLog;
  setupCode: () => string | undefined;
  agents: AgentRouteDeps;
  /** Session history/detail, configuration, evidence packages and the REST API; their routes exist only with it. */
  console?: ConsoleDeps;
}

export function createApp(deps: AppDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>({ strict: false });
  app.use(requestLog);
  // The widget (/agent) may be framed by the agent desktops of `[http] embed_origins`; nothing else may.
  const csp = (frameAncestors: string[]) => ({
    defaultSrc: ["'self'"], imgSrc: ["'self'", "data:", "blob:"], mediaSrc: ["'self'", "blob:"], connectSrc: ["'self'"], frameAncestors,
  });
  const embedOrigins = deps.agents.embedOrigins ?? [];
  const pageHeaders = secureHeaders({ contentSecurityPolicy: csp(["'self'"]) });
  const widgetHeaders = embedOrigins.length
    ? secureHeaders({ contentSecurityPolicy: csp(["'self'", ...embedOrigins]), xFrameOptions: false, crossOriginResourcePolicy: false })
    : pageHeaders;
  app.use((c, next) => (c.req.path.startsWith("/agent") ? widgetHeaders(c, next) : pageHeaders(c, next)));
  app.route("/", healthRoutes(deps.health));
  app.route("/", staticRoutes());
  app.use(sessionMiddleware(deps.webSessions));
  app.use(csrfProtection);
  app.route("/", signInRoutes(deps));
  app.get("/", (c) => c.redirect(deps.users.count() === 0 ? "/setup" : "/console/", 303));
  app.route("/agent", agentRoutes(deps.agents));
  app.route("/console", dashboardRoutes({ sessions: deps.console?.history ?? deps.sessions, live: deps.console?.live }));
  app.route("/console/users", userRoutes(deps));
  app.route("/console/audit", auditRoutes(deps));
  if (deps.console) {
    app.route("/console/sessions", evidenceRoutes(deps.console));
    app.route("/console/sessions", sessionRoutes(deps.console));
    app.route("/console/config", configRoutes(deps.console));
    app.route("/console/api-token", apiTokenRoutes(deps.console));
    if (deps.console.system) app.route("/console/system", systemRoutes({ system: deps.console.system, audit: deps.console.audit, dataDir: deps.console.dataDir }));
    app.route("/api", apiRoutes(deps.console));
  }
  app.notFound((c) => c.json({ error: "not found" }, 404));
  app.onError((err, c) => {
    log.error("unhandled error in route", { path: c.req.path, err });
    return c.json({ error: "internal error" }, 500);
  });
  return app;
}
