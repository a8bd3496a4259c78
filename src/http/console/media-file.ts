/**
 * Serves a file named by a media_files row from the data dir, refusing paths that leave it. A single byte range
 * (RFC 9110 §14) is honoured, so a <video> player can seek in a recording.
 */
import { resolveInside } from "../../store/data-path.ts";
import type { MediaFileRecord } from "../../store/session-history.ts";

export async function mediaFileResponse(dataDir: string, file: Pick<MediaFileRecord, "path" | "mime">, range?: string): Promise<Response> {
  const path = resolveInside(dataDir, file.path);
  const f = path ? Bun.file(path) : undefined;
  if (!f || !(await f.exists())) return new Response("file missing on disk", { status: 410 });
  const headers = { "content-type": file.mime, "x-content-type-options": "nosniff", "content-security-policy": "default-src 'none'; sandbox", "accept-ranges": "bytes" };
  const m = range ? /^bytes=(\d*)-(\d*)$/.exec(range.trim()) : null;
  if (!m || (m[1] === "" && m[2] === "")) return new Response(f, { headers });
  const size = f.size;
  // "bytes=-N" is the last N bytes; "bytes=N-" runs to the end.
  const start = m[1] === "" ? Math.max(0, size - Number(m[2])) : Number(m[1]);
  const end = m[1] === "" || m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start > end || start >= size) return new Response(null, { status: 416, headers: { ...headers, "content-range": `bytes */${size}` } });
  return new Response(f.slice(start, end + 1), { status: 206, headers: { ...headers, "content-range": `bytes ${start}-${end}/${size}` } });
}
