/** Serves a file named by a media_files row from the data dir, refusing paths that leave it. */
import { resolveInside } from "../../store/data-path.ts";
import type { MediaFileRecord } from "../../store/session-history.ts";

export async function mediaFileResponse(dataDir: string, file: Pick<MediaFileRecord, "path" | "mime">): Promise<Response> {
  const path = resolveInside(dataDir, file.path);
  const f = path ? Bun.file(path) : undefined;
  if (!f || !(await f.exists())) return new Response("file missing on disk", { status: 410 });
  return new Response(f, { headers: { "content-type": file.mime, "x-content-type-options": "nosniff", "content-security-policy": "default-src 'none'; sandbox" } });
}
