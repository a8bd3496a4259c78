/**
 * The agent widget: its page, the SDK modules (widget.js, <avsplit-agent> in avsplit-agent.js), the /agent/ws
 * signalling socket and the widget's HTTP API (evidence-routes.ts). A widget authenticates with the console session
 * cookie (agent role) or, embedded in an agent desktop, with the agent's token from avsplit.toml, sent in its first
 * WebSocket message and in request headers. docs/widget-sdk.md describes it for integrators.
 */
import { Hono } from "hono";
import { upgradeWebSocket } from "hono/bun";
import { websocketOriginCheck, widgetCors } from "./embedding.ts";
import type { WSContext } from "hono/ws";
import pageHtml from "../../../admin-ui/agent/index.html" with { type: "text" };
import pageJs from "../../../admin-ui/agent/agent-page.js" with { type: "text" };
import widgetJs from "../../../admin-ui/agent/widget.js" with { type: "text" };
import elementJs from "../../../admin-ui/agent/avsplit-agent.js" with { type: "text" };
import stringsJs from "../../../admin-ui/agent/strings.js" with { type: "text" };
import qualityJs from "../../../admin-ui/agent/quality.js" with { type: "text" };
import pageCss from "../../../admin-ui/agent/agent.css" with { type: "text" };
import elementCss from "../../../admin-ui/agent/avsplit-agent.css" with { type: "text" };
import { createLogger } from "../../observability/log.ts";
import { agentMessage, type AgentConnection, type AgentGateway, type ServerMessage } from "../../session/agent-protocol.ts";
import type { AuthEnv } from "../auth/context.ts";
import { agentOfUser } from "./agent-auth.ts";
import { agentEvidenceRoutes, type AgentEvidence } from "./evidence-routes.ts";

const log = createLogger("agent-ws");

const ASSETS: Record<string, [string, string]> = {
  "widget.js": [widgetJs, "text/javascript; charset=utf-8"],
  "agent-page.js": [pageJs, "text/javascript; charset=utf-8"],
  "avsplit-agent.js": [elementJs, "text/javascript; charset=utf-8"],
  "strings.js": [stringsJs, "text/javascript; charset=utf-8"],
  "quality.js": [qualityJs, "text/javascript; charset=utf-8"],
  "agent.css": [pageCss, "text/css; charset=utf-8"],
  "avsplit-agent.css": [elementCss, "text/css; charset=utf-8"],
};

export interface AgentRouteDeps {
  gateway: AgentGateway;
  /** The agent id an embed token belongs to, if any. */
  agentForToken(agentId: string, token: string): boolean;
  /** Screenshots and the display image; without it the screenshot API answers 503 and the default image is served. */
  evidence?: AgentEvidence;
  /** Agent-desktop origins that may embed the widget (`[http] embed_origins`). */
  embedOrigins?: readonly string[];
}

export function agentRoutes(deps: AgentRouteDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const origins = deps.embedOrigins ?? [];
  app.use("*", widgetCors(origins));
  // Bun's types call an .html import a bundle; imported `with { type: "text" }` it is the file's text.
  app.get("/", (c) => c.html(pageHtml as unknown as string));
  for (const [name, [body, type]] of Object.entries(ASSETS)) app.get(`/${name}`, (c) => c.body(body, 200, { "content-type": type }));
  app.route("/", agentEvidenceRoutes(deps.agentForToken, deps.evidence));

  app.get(
    "/ws",
    websocketOriginCheck(origins),
    upgradeWebSocket((c) => {
      const cookieAgent = agentOfUser(c.get("user"));
      let connection: AgentConnection | undefined;
      const send = (ws: WSContext, msg: ServerMessage) => ws.send(JSON.stringify(msg));
      return {
        onMessage(event, ws) {
          let parsed;
          try {
            parsed = agentMessage.safeParse(JSON.parse(String(event.data)));
          } catch {
            parsed = undefined;
          }
          if (!parsed?.success) return send(ws, { type: "error", message: "malformed message" });
          const msg = parsed.data;
          if (msg.type === "hello") {
            if (connection) return send(ws, { type: "error", message: "already signed in" });
            const agentId = msg.token && msg.agent && deps.agentForToken(msg.agent, msg.token) ? msg.agent : cookieAgent;
            if (!agentId) return ws.close(4401, "not signed in as an agent");
            connection = deps.gateway.connect(agentId, { send: (m) => send(ws, m), close: (code, reason) => ws.close(code, reason) });
            return send(ws, { type: "welcome", agent: agentId });
          }
          if (!connection) return ws.close(4401, "say hello first");
          connection.receive(msg);
        },
        onClose() {
          connection?.disconnect();
          connection = undefined;
        },
        onError(event) {
          log.warn("agent websocket error", { event: String(event) });
        },
      };
    }),
  );
  return app;
}
