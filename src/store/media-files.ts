/**
 * Evidence files stored with a session (screenshots now; recordings and images later): the bytes under the data
 * dir, a media_files row with their sha256, and an audit event, so a file cannot be added unnoticed.
 */
import type { Database } from "bun:sqlite";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { and, asc, eq, isNull } from "drizzle-orm";
import type { AuditLog } from "./audit-log.ts";
import type { Db } from "./db.ts";
import { mediaFiles } from "./schema.ts";

export type MediaFileRecord = typeof mediaFiles.$inferSelect;

export const MAX_SCREENSHOT_BYTES = 8 * 1024 * 1024;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Session ids are `<node>.<base64url>`; anything else must not become a path. */
const SAFE_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;
export const isSafeSessionId = (id: string) => SAFE_ID.test(id) && !id.includes("..");

export class MediaFileError extends Error {
  constructor(readonly code: "not-png" | "too-large" | "bad-session", message: string) {
    super(message);
  }
}

/** Width and height from a PNG's IHDR chunk; throws MediaFileError when the bytes are not a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const isPng = bytes.length >= 24 && PNG_SIGNATURE.every((b, i) => bytes[i] === b) && new TextDecoder().decode(bytes.subarray(12, 16)) === "IHDR";
  if (!isPng) throw new MediaFileError("not-png", "not a PNG image");
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = dv.getUint32(16);
  const height = dv.getUint32(20);
  if (width === 0 || height === 0 || width > 16384 || height > 16384) throw new MediaFileError("not-png", `implausible PNG size ${width}x${height}`);
  return { width, height };
}

export interface ScreenshotInput {
  sessionId: string;
  png: Uint8Array;
  /** Audit actor, e.g. "agent:1001". */
  actor: string;
}

export class MediaFileStore {
  constructor(
    private readonly sqlite: Database,
    private readonly db: Db,
    private readonly audit: AuditLog,
    readonly dataDir: string,
  ) {}

  /** Stores a PNG screenshot of the session's video; the row and its audit event are written together. */
  addScreenshot(input: ScreenshotInput): MediaFileRecord & { width: number; height: number } {
    if (!isSafeSessionId(input.sessionId)) throw new MediaFileError("bad-session", "bad session id");
    if (input.png.byteLength > MAX_SCREENSHOT_BYTES) throw new MediaFileError("too-large", `screenshot over ${MAX_SCREENSHOT_BYTES} bytes`);
    const { width, height } = pngSize(input.png);
    const id = randomBytes(9).toString("base64url");
    const path = join("screenshots", input.sessionId, `${id}.png`);
    const sha256 = createHash("sha256").update(input.png).digest("hex");
    const record: MediaFileRecord = {
      id, sessionId: input.sessionId, kind: "screenshot", path, mime: "image/png", bytes: input.png.byteLength, sha256, createdAt: Date.now(), deletedAt: null,
    };
    const absolute = join(this.dataDir, path);
    mkdirSync(join(this.dataDir, "screenshots", input.sessionId), { recursive: true });
    writeFileSync(absolute, input.png, { flag: "wx" });
    try {
      this.sqlite.transaction(() => {
        this.db.insert(mediaFiles).values(record).run();
        this.audit.append({
          type: "screenshot.taken", actor: input.actor, sessionId: input.sessionId, ts: record.createdAt,
          data: { fileId: id, path, sha256, bytes: record.bytes, width, height },
        });
      }).immediate();
    } catch (err) {
      rmSync(absolute, { force: true });
      throw err;
    }
    return { ...record, width, height };
  }

  list(sessionId: string, kind: MediaFileRecord["kind"] = "screenshot"): MediaFileRecord[] {
    return this.db
      .select()
      .from(mediaFiles)
      .where(and(eq(mediaFiles.sessionId, sessionId), eq(mediaFiles.kind, kind), isNull(mediaFiles.deletedAt)))
      .orderBy(asc(mediaFiles.createdAt))
      .all();
  }

  get(id: string): MediaFileRecord | undefined {
    return this.db.select().from(mediaFiles).where(and(eq(mediaFiles.id, id), isNull(mediaFiles.deletedAt))).get();
  }
}
