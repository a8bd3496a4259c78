/**
 * The widget's REST side: screenshots of the caller's video stored with the session (PNG bytes in, a media_files
 * row + audit event out, listed back), the still image the caller sees when the agent switches display, and the
 * audit record of what the caller was shown (camera, image or the agent's screen).
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { existsSync } from "node:fs";
import { z } from "zod";
import defaultDisplayImage from "../../../admin-ui/agent/display-default.png" with { type: "file" };
import type { AuditLog } from "../../store/audit-log.ts";
import { MAX_SCREENSHOT_BYTES, MediaFileError, type MediaFileRecord, type MediaFileStore } from "../../store/media-files.ts";
import type { AuthEnv } from "../auth/context.ts";
import { mediaFileResponse } from "../console/media-file.ts";
import { agentOfRequest } from "./agent-auth.ts";

export interface AgentEvidence {
  files: MediaFileStore;
  audit: AuditLog;
  /** The agent a live session is bound to (null: unbound, undefined: no such session). */
  sessionAgent(sessionId: string): string | null | undefined;
  /** The switch-display image an administrator uploaded (absolute path), if any. */
  displayImagePath(): string | undefined;
}

/** Routes of one session: the caller is the agent the session is bound to. */
type AgentEnv = { Variables: AuthEnv["Variables"] & { agentId: string } };

const displaySource = z.strictObject({ source: z.enum(["camera", "image", "screen"]) });

const IMAGE_TYPES: Record<string, string> = { png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", webp: "image/webp" };

const view = (sessionId: string, f: MediaFileRecord) => ({
  id: f.id, kind: f.kind, bytes: f.bytes, sha256: f.sha256, createdAt: f.createdAt,
  url: `/agent/api/sessions/${encodeURIComponent(sessionId)}/screenshots/${f.id}`,
});

export function agentEvidenceRoutes(agentForToken: (agentId: string, token: string) => boolean, evidence: AgentEvidence | undefined): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  app.get("/display-image", (c) => {
    const chosen = evidence?.displayImagePath();
    const path = chosen && existsSync(chosen) ? chosen : defaultDisplayImage;
    const type = IMAGE_TYPES[path.split(".").pop()!.toLowerCase()] ?? "application/octet-stream";
    return new Response(Bun.file(path), { headers: { "content-type": type, "cache-control": "no-cache" } });
  });

  /** A console-signed-in widget needs the session's CSRF token for its POSTs. */
  app.get("/api/csrf", (c) => {
    if (!agentOfRequest(c.req, c.get("user"), agentForToken)) return c.json({ error: "not signed in as an agent" }, 401);
    return c.json({ csrf: c.get("csrfToken") ?? null });
  });

  const mine = new Hono<AgentEnv>();
  mine.use("/:id/*", async (c, next) => {
    if (!evidence) return c.json({ error: "evidence storage is not configured" }, 503);
    const agentId = agentOfRequest(c.req, c.get("user"), agentForToken);
    if (!agentId) return c.json({ error: "not signed in as an agent" }, 401);
    if (evidence.sessionAgent(c.req.param("id")!) !== agentId) return c.json({ error: "not your session" }, 403);
    c.set("agentId", agentId);
    await next();
  });

  mine.post(
    "/:id/screenshots",
    bodyLimit({ maxSize: MAX_SCREENSHOT_BYTES, onError: (c) => c.json({ error: "screenshot too large" }, 413) }),
    async (c) => {
      if (c.req.header("content-type") !== "image/png") return c.json({ error: "send the PNG as image/png" }, 415);
      const sessionId = c.req.param("id");
      try {
        const file = evidence!.files.addScreenshot({ sessionId, png: new Uint8Array(await c.req.arrayBuffer()), actor: `agent:${c.get("agentId")}` });
        return c.json({ ...view(sessionId, file), width: file.width, height: file.height }, 201);
      } catch (err) {
        if (err instanceof MediaFileError) return c.json({ error: err.message }, 400);
        throw err;
      }
    },
  );

  /** The widget changed what the caller sees (done in the browser; recorded here for the session's evidence). */
  mine.post("/:id/display", async (c) => {
    const parsed = displaySource.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: "expected { source: camera | image | screen }" }, 400);
    const row = evidence!.audit.append({ type: "agent.display", actor: `agent:${c.get("agentId")}`, sessionId: c.req.param("id"), data: parsed.data });
    return c.json({ seq: row.seq }, 201);
  });

  mine.get("/:id/screenshots", (c) => {
    const sessionId = c.req.param("id");
    return c.json(evidence!.files.list(sessionId).map((f) => view(sessionId, f)));
  });

  mine.get("/:id/screenshots/:fileId", (c) => {
    const file = evidence!.files.get(c.req.param("fileId"));
    if (!file || file.sessionId !== c.req.param("id") || file.kind !== "screenshot") return c.json({ error: "not found" }, 404);
    return mediaFileResponse(evidence!.files.dataDir, file);
  });

  app.route("/api/sessions", mine);
  return app;
}
