/** @jsxImportSource hono/jsx */
/** Live dashboard: active sessions, refreshed by htmx polling. */
import { Hono } from "hono";
import { Layout } from "../../../admin-ui/views/layout.tsx";
import { texts, type Lang } from "../../../admin-ui/i18n.ts";
import type { LegRecord, SessionRecord } from "../../store/session-history.ts";
import type { LiveSessionSource } from "./console-deps.ts";
import { qualityOf } from "./media-quality.ts";

/** Active sessions with their legs (SessionRecords, or SessionHistory with fewer queries). */
export interface ActiveSessions { active(): (SessionRecord & { legs: LegRecord[] })[] }
import type { AuthEnv } from "../auth/context.ts";
import { requirePermission } from "../auth/middleware.ts";

export function dashboardRoutes(deps: { sessions: ActiveSessions; live?: LiveSessionSource }): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const guard = requirePermission("dashboard:view");

  app.get("/", guard, (c) => {
    const lang = c.get("lang");
    return c.html(
      <Layout lang={lang} title={texts(lang).dashboard} user={c.get("user")} csrfToken={c.get("csrfToken")}>
        <div id="live" hx-get="/console/live" hx-trigger="every 2s" hx-swap="innerHTML">
          <LiveTable lang={lang} sessions={deps.sessions} live={deps.live} />
        </div>
      </Layout>,
    );
  });
  app.get("/live", guard, (c) => c.html(<LiveTable lang={c.get("lang")} sessions={deps.sessions} live={deps.live} />));
  return app;
}

function LiveTable(props: { lang: Lang; sessions: ActiveSessions; live?: LiveSessionSource }) {
  const t = texts(props.lang);
  const active = props.sessions.active();
  if (!active.length) return <p>{t.noActiveSessions}</p>;
  const now = Date.now();
  return (
    <table>
      <thead><tr><th>{t.caller}</th><th>{t.agent}</th><th>{t.state}</th><th>{t.started}</th><th>{t.duration}</th><th>{t.mediaQuality}</th></tr></thead>
      <tbody>
        {active.map((s) => (
          <tr>
            <td>{s.callerDisplayName ? `${s.callerDisplayName} ` : ""}{s.callerNumber ?? ""}</td>
            <td>{s.agentId ?? ""}</td>
            <td>{s.state} <small>{s.legs.map((l) => `${l.kind}:${l.state}`).join(" ")}</small></td>
            <td><a href={`/console/sessions/${encodeURIComponent(s.id)}`}>{new Date(s.startedAt).toISOString()}</a></td>
            <td>{Math.round((now - s.startedAt) / 1000)} s</td>
            <td>{qualityOf(props.live?.mediaStats(s.id))}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
