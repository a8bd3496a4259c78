/** @jsxImportSource hono/jsx */
/** Session history (filtered, paginated) and session detail: timeline, SIP ladder, per-leg media stats, screenshots. */
import { Hono } from "hono";
import { Layout } from "../../../admin-ui/views/layout.tsx";
import { texts, type Lang } from "../../../admin-ui/i18n.ts";
import { OUTCOMES, outcomeOf, type LegRecord, type MediaFileRecord, type SessionRecord } from "../../store/session-history.ts";
import { mediaExtension } from "../../store/evidence.ts";
import type { AuthEnv } from "../auth/context.ts";
import { requirePermission } from "../auth/middleware.ts";
import { can } from "../auth/permissions.ts";
import type { ConsoleDeps } from "./console-deps.ts";
import { filterQuery, sessionFilterOf, timeInputValue, utcTime } from "./form-values.ts";
import { mediaFileResponse } from "./media-file.ts";
import { callerLocationReport, CallerLocationView } from "./caller-location.tsx";
import { ladderMessages, SipLadder, SipMessageList } from "./sip-ladder.tsx";
import { StatsList } from "./stats-list.tsx";

const PAGE_SIZE = 50;
const durationOf = (s: SessionRecord) => `${Math.round(((s.endedAt ?? Date.now()) - s.startedAt) / 1000)} s`;

export function sessionRoutes(deps: ConsoleDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.use("*", requirePermission("sessions:view"));

  app.get("/", (c) => {
    const lang = c.get("lang");
    const t = texts(lang);
    const filter = sessionFilterOf(c.req.query());
    const result = deps.history.search(filter, Number(c.req.query("page") ?? 1) || 1, PAGE_SIZE);
    const pages = Math.max(1, Math.ceil(result.total / result.pageSize));
    return c.html(
      <Layout lang={lang} title={t.sessions} user={c.get("user")} csrfToken={c.get("csrfToken")}>
        <form method="get" action="/console/sessions" class="filters">
          <label>{t.from}<input type="datetime-local" name="from" value={timeInputValue(filter.from)} /></label>
          <label>{t.to}<input type="datetime-local" name="to" value={timeInputValue(filter.to)} /></label>
          <label>{t.callerNumber}<input name="caller" value={filter.caller ?? ""} /></label>
          <label>{t.agent}<input name="agent" value={filter.agent ?? ""} /></label>
          <label>{t.outcome}
            <select name="outcome">
              <option value="">{t.any}</option>
              {OUTCOMES.map((o) => <option value={o} selected={filter.outcome === o}>{t[`outcome_${o}`]}</option>)}
            </select>
          </label>
          <button type="submit">{t.search}</button>
        </form>
        <p id="session-count">{t.found}: {result.total}</p>
        <table id="sessions">
          <thead><tr><th>{t.started}</th><th>{t.caller}</th><th>{t.agent}</th><th>{t.kind}</th><th>{t.outcome}</th><th>{t.duration}</th><th>{t.endReason}</th></tr></thead>
          <tbody>
            {result.rows.map((s) => (
              <tr>
                <td><a href={`/console/sessions/${encodeURIComponent(s.id)}`}>{utcTime(s.startedAt)}</a></td>
                <td>{s.callerDisplayName ? `${s.callerDisplayName} ` : ""}{s.callerNumber ?? ""}</td>
                <td>{s.agentId ?? ""}</td>
                <td>{s.kind}</td>
                <td>{t[`outcome_${outcomeOf(s)}`]}</td>
                <td>{durationOf(s)}</td>
                <td>{s.endReason ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <nav class="pager" aria-label="pages">
          {result.page > 1 && <a rel="prev" href={`/console/sessions?${filterQuery(filter, result.page - 1)}`}>← {t.previous}</a>}
          <span> {result.page} / {pages} </span>
          {result.page < pages && <a rel="next" href={`/console/sessions?${filterQuery(filter, result.page + 1)}`}>{t.next} →</a>}
        </nav>
      </Layout>,
    );
  });

  app.get("/:id", (c) => {
    const lang = c.get("lang");
    const t = texts(lang);
    const detail = deps.history.get(c.req.param("id"));
    if (!detail) return c.text("no such session", 404);
    const { session: s, legs, media } = detail;
    const events = deps.history.events(s.id);
    const messages = ladderMessages(legs, deps.trace);
    const location = callerLocationReport(events);
    const live = s.endedAt === null ? deps.live?.mediaStats(s.id) : undefined;
    const user = c.get("user")!;
    return c.html(
      <Layout lang={lang} title={`${t.session} ${s.id}`} user={user} csrfToken={c.get("csrfToken")}>
        <dl class="summary">
          <dt>{t.caller}</dt><dd id="caller">{s.callerDisplayName ? `${s.callerDisplayName} ` : ""}{s.callerNumber ?? ""}</dd>
          <dt>{t.agent}</dt><dd>{s.agentId ?? ""}</dd>
          <dt>{t.kind}</dt><dd>{s.kind}</dd>
          <dt>{t.state}</dt><dd>{s.state} ({t[`outcome_${outcomeOf(s)}`]})</dd>
          <dt>{t.started}</dt><dd>{utcTime(s.startedAt)}</dd>
          <dt>{t.answered}</dt><dd>{utcTime(s.answeredAt)}</dd>
          <dt>{t.ended}</dt><dd>{utcTime(s.endedAt)} {s.endReason ?? ""}</dd>
        </dl>
        {live && deps.live?.recording && <RecordingControl lang={lang} sessionId={s.id} recording={deps.live.recording(s.id) === true} csrf={c.get("csrfToken")} canControl={can(user.role, "sessions:control") && deps.live.setRecording !== undefined} />}
        {location && <><h2>{t.location}</h2><CallerLocationView lang={lang} report={location} /></>}
        {can(user.role, "audit:export") && <p><a id="evidence" href={`/console/sessions/${encodeURIComponent(s.id)}/evidence.zip`} download>{t.evidence}</a></p>}
        <h2>{t.legs}</h2>
        <LegTable lang={lang} legs={legs} live={live} />
        <h2>{t.sipLadder}</h2>
        {messages.length ? <><SipLadder messages={messages} lanes={[t.caller, "avsplit", t.callCenter]} /><SipMessageList messages={messages} /></> : <p>{t.noSipTrace}</p>}
        <h2>{t.timeline}</h2>
        <table id="timeline">
          <thead><tr><th>#</th><th>{t.time}</th><th>{t.type}</th><th>{t.actor}</th><th>{t.details}</th></tr></thead>
          <tbody>{events.map((e) => <tr><td>{e.seq}</td><td>{utcTime(e.ts)}</td><td>{e.type}</td><td>{e.actor}</td><td><code>{e.data}</code></td></tr>)}</tbody>
        </table>
        <h2>{t.media}</h2>
        <MediaList lang={lang} sessionId={s.id} files={media} />
      </Layout>,
    );
  });

  app.post("/:id/recording", requirePermission("sessions:control"), async (c) => {
    const id = c.req.param("id");
    const on = (await c.req.parseBody())["on"] === "1";
    if (!deps.live?.setRecording) return c.text("no calls on this node", 404);
    try {
      deps.live.setRecording(id, on, `user:${c.get("user")!.username}`);
    } catch (err) {
      const status = (err as { status?: number }).status;
      return c.text((err as Error).message, status === 404 || status === 409 ? status : 500);
    }
    return c.redirect(`/console/sessions/${encodeURIComponent(id)}`, 303);
  });

  app.get("/:id/media/:file", async (c) => {
    const detail = deps.history.get(c.req.param("id"));
    const file = detail?.media.find((m) => m.id === c.req.param("file"));
    if (!file) return c.text("no such file", 404);
    return mediaFileResponse(deps.dataDir, file, c.req.header("range"));
  });
  return app;
}

function LegTable(props: { lang: Lang; legs: LegRecord[]; live?: Record<string, unknown> }) {
  const t = texts(props.lang);
  return (
    <>
      <table id="legs">
        <thead><tr><th>{t.kind}</th><th>Call-ID</th><th>{t.remote}</th><th>{t.state}</th><th>{t.started}</th><th>{t.ended}</th><th>{t.mediaStats}</th></tr></thead>
        <tbody>
          {props.legs.map((l) => (
            <tr>
              <td>{l.kind}</td><td><code>{l.callId ?? ""}</code></td><td>{l.remote ?? ""}</td><td>{l.state}</td>
              <td>{utcTime(l.startedAt)}</td><td>{utcTime(l.endedAt)} {l.endReason ?? ""}</td>
              <td>{l.stats ? <StatsList stats={l.stats} /> : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.live && <><h3>{t.liveMediaStats}</h3><StatsList stats={props.live} /></>}
    </>
  );
}

function RecordingControl(props: { lang: Lang; sessionId: string; recording: boolean; csrf?: string; canControl: boolean }) {
  const t = texts(props.lang);
  return (
    <form id="recording" method="post" action={`/console/sessions/${encodeURIComponent(props.sessionId)}/recording`}>
      <span>{props.recording ? t.recordingActive : t.recordingIdle}</span>{" "}
      {props.canControl && (
        <>
          <input type="hidden" name="_csrf" value={props.csrf} />
          <input type="hidden" name="on" value={props.recording ? "0" : "1"} />
          <button type="submit">{props.recording ? t.stopRecording : t.startRecording}</button>
        </>
      )}
    </form>
  );
}

function MediaList(props: { lang: Lang; sessionId: string; files: MediaFileRecord[] }) {
  const t = texts(props.lang);
  if (!props.files.length) return <p>{t.noMedia}</p>;
  const href = (f: MediaFileRecord) => `/console/sessions/${encodeURIComponent(props.sessionId)}/media/${encodeURIComponent(f.id)}`;
  return (
    <ul class="media">
      {props.files.map((f) => (
        <li>
          {f.kind === "screenshot" && <img src={href(f)} alt={`${t.screenshot} ${utcTime(f.createdAt)}`} width={320} />}
          {f.kind === "recording" && (f.mime.startsWith("audio/") ? <audio controls src={href(f)} /> : <video controls width={480} preload="metadata" src={href(f)} />)}
          <div>
            <a href={href(f)}>{f.kind} · {utcTime(f.createdAt)} · {f.mime} · {f.bytes} B</a>{" "}
            {f.kind === "recording" && <a class="download" href={href(f)} download={`${props.sessionId}-${f.id}.${mediaExtension(f.mime)}`}>{t.download}</a>}{" "}
            <small>sha256 {f.sha256}</small>
          </div>
        </li>
      ))}
    </ul>
  );
}
