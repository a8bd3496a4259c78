/**
 * REST API for integrators (JSON; same permissions as the console). Routes are declared with @hono/zod-openapi,
 * so the query/path validation and /api/openapi.json come from the same zod schemas.
 */
import { createRoute, OpenAPIHono, type z } from "@hono/zod-openapi";
import type { AuditRow } from "../../store/audit-chain.ts";
import { outcomeOf, type LegRecord, type MediaFileRecord, type SessionRecord } from "../../store/session-history.ts";
import { VERSION } from "../../version.ts";
import type { AuthEnv } from "../auth/context.ts";
import { auditDownload } from "../console/audit-download.ts";
import type { ConsoleDeps } from "../console/console-deps.ts";
import { evidenceResponse } from "../console/evidence.ts";
import { parseTime, sessionFilterOf } from "../console/form-values.ts";
import { apiPermission, bearerAuth } from "./auth.ts";
import * as S from "./schemas.ts";

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { "application/json": { schema } }, description });
const errors = { 401: json(S.ErrorBody, "Not authenticated"), 403: json(S.ErrorBody, "The role lacks the permission") };
const security: Record<string, string[]>[] = [{ bearer: [] }, { cookie: [] }];

const sessionJson = (s: SessionRecord): z.infer<typeof S.Session> => ({
  id: s.id, node_id: s.nodeId, kind: s.kind, state: s.state, outcome: outcomeOf(s), caller_number: s.callerNumber, caller_display_name: s.callerDisplayName,
  agent_id: s.agentId, started_at: s.startedAt, answered_at: s.answeredAt, ended_at: s.endedAt, end_reason: s.endReason,
});
const legJson = (l: LegRecord): z.infer<typeof S.Leg> => ({
  id: l.id, kind: l.kind, call_id: l.callId, remote: l.remote, state: l.state, started_at: l.startedAt, ended_at: l.endedAt, end_reason: l.endReason,
  stats: (l.stats as Record<string, unknown> | null) ?? null,
});
const mediaJson = (m: MediaFileRecord): z.infer<typeof S.MediaFile> => ({ id: m.id, kind: m.kind, mime: m.mime, bytes: m.bytes, sha256: m.sha256, created_at: m.createdAt });
const eventJson = (r: AuditRow): z.infer<typeof S.AuditEvent> => ({ seq: r.seq, ts: r.ts, session_id: r.sessionId, type: r.type, actor: r.actor, data: r.data, prev_hash: r.prevHash, hash: r.hash });

const listSessions = createRoute({
  method: "get", path: "/v1/sessions", tags: ["sessions"], summary: "Session history, newest first", security,
  middleware: [apiPermission("sessions:view")] as const,
  request: { query: S.SessionQuery },
  responses: { 200: json(S.SessionList, "One page of sessions"), ...errors },
});

const getSession = createRoute({
  method: "get", path: "/v1/sessions/{id}", tags: ["sessions"], summary: "One session with its legs, media files and audit events", security,
  middleware: [apiPermission("sessions:view")] as const,
  request: { params: S.SessionId },
  responses: { 200: json(S.SessionDetail, "The session"), 404: json(S.ErrorBody, "No such session"), ...errors },
});

const sessionEvidence = createRoute({
  method: "get", path: "/v1/sessions/{id}/evidence.zip", tags: ["sessions", "audit"], summary: "The session's evidence package (verify with `avsplit audit verify FILE.zip`)", security,
  middleware: [apiPermission("audit:export")] as const,
  request: { params: S.SessionId },
  responses: { 200: { content: { "application/zip": { schema: { type: "string", format: "binary" } } }, description: "Zip" }, 404: json(S.ErrorBody, "No such session"), ...errors },
});

const setRecording = createRoute({
  method: "post", path: "/v1/sessions/{id}/recording", tags: ["sessions"],
  summary: "Start or stop recording a call in progress (recording mode \"on-demand\"; in mode \"all\" every call is recorded and stop is refused)", security,
  middleware: [apiPermission("sessions:control")] as const,
  request: { params: S.SessionId, body: { content: { "application/json": { schema: S.RecordingChange } }, required: true } },
  responses: {
    200: json(S.RecordingState, "The session's recording state now"), 404: json(S.ErrorBody, "No such live session"),
    409: json(S.ErrorBody, "The recording mode or the call's state does not allow it"), 500: json(S.ErrorBody, "The recording could not start"), ...errors,
  },
});

const exportAuditRoute = createRoute({
  method: "get", path: "/v1/audit/export", tags: ["audit"], summary: "Hash-chained audit export (verify with `avsplit audit verify FILE`)", security,
  middleware: [apiPermission("audit:export")] as const,
  request: { query: S.AuditExportQuery },
  responses: {
    200: { content: { "application/json": { schema: { type: "object" } }, "text/csv": { schema: { type: "string" } } }, description: "The export, streamed" },
    ...errors,
  },
});

const verifyAudit = createRoute({
  method: "get", path: "/v1/audit/verify", tags: ["audit"], summary: "Verify the audit hash chain in the database", security,
  middleware: [apiPermission("audit:view")] as const,
  responses: { 200: json(S.ChainReport, "Verification report"), ...errors },
});

export function apiRoutes(deps: ConsoleDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>({
    defaultHook: (result, c) => (result.success ? undefined : c.json({ error: result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") }, 400)),
  });
  app.use("/v1/*", bearerAuth(deps.tokens));
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", description: "A user's API token (console: API token page)" });
  app.openAPIRegistry.registerComponent("securitySchemes", "cookie", { type: "apiKey", in: "cookie", name: "avsplit_session" });

  app.openapi(listSessions, (c) => {
    const q = c.req.valid("query");
    const result = deps.history.search(sessionFilterOf({ from: q.from, to: q.to, caller: q.caller, agent: q.agent, outcome: q.outcome }), q.page, q.page_size);
    return c.json({ total: result.total, page: result.page, page_size: result.pageSize, sessions: result.rows.map(sessionJson) }, 200);
  });

  app.openapi(getSession, (c) => {
    const detail = deps.history.get(c.req.valid("param").id);
    if (!detail) return c.json({ error: "no such session" }, 404);
    return c.json({ session: sessionJson(detail.session), legs: detail.legs.map(legJson), media: detail.media.map(mediaJson), events: deps.history.events(detail.session.id).map(eventJson) }, 200);
  });

  app.openapi(sessionEvidence, (c) => evidenceResponse(deps, c.req.valid("param").id, c.get("user")!.username) ?? c.json({ error: "no such session" }, 404));

  app.openapi(setRecording, (c) => {
    const id = c.req.valid("param").id;
    if (!deps.live?.setRecording) return c.json({ error: "no calls on this node" }, 404);
    try {
      const r = deps.live.setRecording(id, c.req.valid("json").on, `user:${c.get("user")!.username}`);
      return c.json({ recording: r.recording, recording_id: r.recordingId }, 200);
    } catch (err) {
      const status = (err as { status?: number }).status;
      return c.json({ error: (err as Error).message }, status === 404 || status === 409 ? status : 500);
    }
  });

  app.openapi(exportAuditRoute, (c) => {
    const q = c.req.valid("query");
    const range = { from: parseTime(q.from), to: parseTime(q.to), sessionId: q.session };
    return auditDownload(deps.audit, { format: q.format, range, node: deps.nodeId, actor: c.get("user")!.username });
  });

  app.openapi(verifyAudit, (c) => {
    const r = deps.audit.verify();
    return c.json({ ok: r.ok, rows: r.rows, first_seq: r.firstSeq, last_seq: r.lastSeq, last_hash: r.lastHash, problems: r.problems }, 200);
  });

  app.doc31("/openapi.json", { openapi: "3.1.0", info: { title: "avsplit REST API", version: VERSION, description: "Sessions, evidence packages and the audit log of an avsplit appliance." } });
  return app;
}
