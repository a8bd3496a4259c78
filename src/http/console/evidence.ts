/** GET /console/sessions/:id/evidence.zip (audit:export): the session's evidence package, audited with its manifest hash. */
import { Hono } from "hono";
import { evidencePackage } from "../../store/evidence.ts";
import type { AuthEnv } from "../auth/context.ts";
import { requirePermission } from "../auth/middleware.ts";
import type { ConsoleDeps } from "./console-deps.ts";
import { ladderMessages, traceText } from "./sip-ladder.tsx";

/** Builds the package response for a signed-in user; undefined if the session does not exist. */
export function evidenceResponse(deps: ConsoleDeps, sessionId: string, actor: string): Response | undefined {
  const detail = deps.history.get(sessionId);
  if (!detail) return undefined;
  const { stream, done } = evidencePackage({
    node: deps.nodeId, sessionId, exportedBy: actor, dataDir: deps.dataDir, history: deps.history, head: deps.audit.headOf(),
    sipTrace: traceText(ladderMessages(detail.legs, deps.trace)),
  });
  done.then(
    ({ manifest, sha256 }) => deps.audit.append({ type: "evidence.exported", actor, data: { session: sessionId, manifest_sha256: sha256, files: manifest.files } }),
    () => undefined,
  );
  const name = `avsplit-evidence-${sessionId.replace(/[^\w.-]/g, "_")}.zip`;
  return new Response(stream, { headers: { "content-type": "application/zip", "content-disposition": `attachment; filename="${name}"`, "cache-control": "no-store" } });
}

export function evidenceRoutes(deps: ConsoleDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.get("/:id/evidence.zip", requirePermission("audit:export"), (c) => evidenceResponse(deps, c.req.param("id"), c.get("user")!.username) ?? c.text("no such session", 404));
  return app;
}
