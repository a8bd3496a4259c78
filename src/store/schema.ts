/** The appliance's SQLite schema. Change it, then `npm run db:generate` writes the next migration. */
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;

export const users = sqliteTable("users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  username: text("username").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ["admin", "supervisor", "agent", "auditor"] }).notNull(),
  agentId: text("agent_id"),
  disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
  failedLogins: integer("failed_logins").notNull().default(0),
  lockedUntil: integer("locked_until"),
  createdAt: integer("created_at").notNull().default(now),
  updatedAt: integer("updated_at").notNull().default(now),
});

export const agents = sqliteTable("agents", {
  id: text("id").primaryKey(),
  name: text("name").notNull().default(""),
  /** sha256 of the embed token; the token itself is only in avsplit.toml. */
  tokenHash: text("token_hash"),
  provisioned: integer("provisioned", { mode: "boolean" }).notNull().default(false),
  createdAt: integer("created_at").notNull().default(now),
});

export const trunks = sqliteTable("trunks", {
  name: text("name").primaryKey(),
  role: text("role", { enum: ["caller", "callcenter", "party"] }).notNull(),
  /** The trunk's settings as validated JSON (same shape as a [[trunk]] table). */
  config: text("config", { mode: "json" }).notNull(),
  provisioned: integer("provisioned", { mode: "boolean" }).notNull().default(false),
  state: text("state", { enum: ["unknown", "up", "down"] }).notNull().default("unknown"),
  stateChangedAt: integer("state_changed_at"),
  updatedAt: integer("updated_at").notNull().default(now),
});

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    nodeId: text("node_id").notNull(),
    kind: text("kind", { enum: ["video", "audio"] }).notNull(),
    state: text("state").notNull(),
    callerNumber: text("caller_number"),
    callerDisplayName: text("caller_display_name"),
    agentId: text("agent_id"),
    startedAt: integer("started_at").notNull(),
    answeredAt: integer("answered_at"),
    endedAt: integer("ended_at"),
    endReason: text("end_reason"),
  },
  (t) => [index("sessions_started_at").on(t.startedAt), index("sessions_caller").on(t.callerNumber), index("sessions_agent").on(t.agentId)],
);

export const legs = sqliteTable(
  "legs",
  {
    id: text("id").primaryKey(),
    sessionId: text("session_id").notNull().references(() => sessions.id),
    kind: text("kind", { enum: ["caller", "callcenter", "agent", "party", "h5"] }).notNull(),
    callId: text("call_id"),
    remote: text("remote"),
    state: text("state").notNull(),
    startedAt: integer("started_at").notNull(),
    endedAt: integer("ended_at"),
    endReason: text("end_reason"),
    stats: text("stats", { mode: "json" }),
  },
  (t) => [index("legs_session").on(t.sessionId), index("legs_call_id").on(t.callId)],
);

/** The audit log: append-only (triggers forbid UPDATE/DELETE) and hash-chained, see audit.ts. */
export const events = sqliteTable(
  "events",
  {
    seq: integer("seq").primaryKey(),
    ts: integer("ts").notNull(),
    sessionId: text("session_id"),
    type: text("type").notNull(),
    actor: text("actor").notNull(),
    data: text("data").notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [index("events_session").on(t.sessionId), index("events_ts").on(t.ts)],
);

/** The newest chain hash, updated in the same transaction as each append, so a removed tail is detected. */
export const auditHead = sqliteTable("audit_head", {
  id: integer("id").primaryKey(),
  seq: integer("seq").notNull(),
  hash: text("hash").notNull(),
});

export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value", { mode: "json" }).notNull(),
  updatedBy: text("updated_by"),
  updatedAt: integer("updated_at").notNull().default(now),
});

export const mediaFiles = sqliteTable(
  "media_files",
  {
    id: text("id").primaryKey(),
    sessionId: text("session_id").notNull().references(() => sessions.id),
    kind: text("kind", { enum: ["screenshot", "recording", "image"] }).notNull(),
    /** Relative to the data dir. */
    path: text("path").notNull(),
    mime: text("mime").notNull(),
    bytes: integer("bytes").notNull(),
    sha256: text("sha256").notNull(),
    createdAt: integer("created_at").notNull(),
    deletedAt: integer("deleted_at"),
  },
  (t) => [index("media_files_session").on(t.sessionId), index("media_files_created").on(t.createdAt)],
);

export const smsMessages = sqliteTable(
  "sms_messages",
  {
    id: text("id").primaryKey(),
    sessionId: text("session_id").references(() => sessions.id),
    number: text("number").notNull(),
    text: text("text").notNull(),
    status: text("status", { enum: ["queued", "sent", "delivered", "failed"] }).notNull(),
    providerId: text("provider_id"),
    error: text("error"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("sms_session").on(t.sessionId)],
);

export const h5Invites = sqliteTable(
  "h5_invites",
  {
    id: text("id").primaryKey(),
    sessionId: text("session_id").notNull().references(() => sessions.id),
    /** sha256 of the single-use link token. */
    tokenHash: text("token_hash").notNull(),
    number: text("number"),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("h5_invites_token").on(t.tokenHash)],
);

/** Signed-in console users. Only the sha256 of the cookie token is stored. */
export const webSessions = sqliteTable(
  "web_sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    csrfToken: text("csrf_token").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    remote: text("remote"),
  },
  (t) => [index("web_sessions_user").on(t.userId)],
);

/** Per-user REST API tokens; only the sha256 is stored. */
export const apiTokens = sqliteTable("api_tokens", {
  tokenHash: text("token_hash").primaryKey(),
  userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  createdAt: integer("created_at").notNull(),
  lastUsedAt: integer("last_used_at"),
});
