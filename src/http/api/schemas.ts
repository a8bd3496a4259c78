/** Zod schemas of the REST API: request validation and the OpenAPI document come from these. */
import { z } from "@hono/zod-openapi";
import { OUTCOMES } from "../../store/session-history.ts";

const time = z.string().openapi({ description: "ISO 8601 time (UTC when no zone) or epoch milliseconds", example: "2026-11-20T08:00:00Z" });

export const SessionQuery = z.object({
  from: time.optional(),
  to: time.optional(),
  caller: z.string().max(64).optional().openapi({ description: "Substring of the caller number" }),
  agent: z.string().max(64).optional(),
  outcome: z.enum(OUTCOMES).optional(),
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(200).default(50),
});

export const Session = z
  .object({
    id: z.string(),
    node_id: z.string(),
    kind: z.enum(["video", "audio"]),
    state: z.string(),
    outcome: z.enum(OUTCOMES),
    caller_number: z.string().nullable(),
    caller_display_name: z.string().nullable(),
    agent_id: z.string().nullable(),
    started_at: z.number().int(),
    answered_at: z.number().int().nullable(),
    ended_at: z.number().int().nullable(),
    end_reason: z.string().nullable(),
  })
  .openapi("Session");

export const Leg = z
  .object({
    id: z.string(),
    kind: z.enum(["caller", "callcenter", "agent", "party", "h5"]),
    call_id: z.string().nullable(),
    remote: z.string().nullable(),
    state: z.string(),
    started_at: z.number().int(),
    ended_at: z.number().int().nullable(),
    end_reason: z.string().nullable(),
    stats: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi("Leg");

export const MediaFile = z
  .object({ id: z.string(), kind: z.enum(["screenshot", "recording", "image"]), mime: z.string(), bytes: z.number().int(), sha256: z.string(), created_at: z.number().int() })
  .openapi("MediaFile");

export const AuditEvent = z
  .object({
    seq: z.number().int(), ts: z.number().int(), session_id: z.string().nullable(), type: z.string(), actor: z.string(),
    data: z.string().openapi({ description: "Canonical JSON of the event details (the bytes the hash covers)" }),
    prev_hash: z.string(), hash: z.string(),
  })
  .openapi("AuditEvent");

export const SessionList = z.object({ total: z.number().int(), page: z.number().int(), page_size: z.number().int(), sessions: z.array(Session) }).openapi("SessionList");

export const SessionDetail = z.object({ session: Session, legs: z.array(Leg), media: z.array(MediaFile), events: z.array(AuditEvent) }).openapi("SessionDetail");

export const SessionId = z.object({ id: z.string().min(1).max(128).openapi({ param: { name: "id", in: "path" } }) });

export const AuditExportQuery = z.object({
  format: z.enum(["json", "csv"]).default("json"),
  from: time.optional(),
  to: time.optional(),
  session: z.string().max(128).optional(),
});

export const ChainReport = z
  .object({ ok: z.boolean(), rows: z.number().int(), first_seq: z.number().int().nullable(), last_seq: z.number().int().nullable(), last_hash: z.string().nullable(), problems: z.array(z.string()) })
  .openapi("ChainReport");

export const RecordingChange = z.object({ on: z.boolean().openapi({ description: "true starts recording the caller's audio and video, false stops it" }) }).openapi("RecordingChange");

export const RecordingState = z
  .object({ recording: z.boolean(), recording_id: z.string().optional().openapi({ description: "The media file id of the recording in progress" }) })
  .openapi("RecordingState");

export const ErrorBody = z.object({ error: z.string() }).openapi("Error");
