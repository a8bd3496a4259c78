/**
 * The image shown to single-stream SIP video phones when no video is switched to them (uploaded in the console).
 * Stored as data_dir/images/switch-display.<ext> with a small JSON sidecar; none uploaded = the shipped default.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const IMAGE_TYPES: Record<string, string> = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp" };
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export interface StoredImage { file: string; mime: string; bytes: number; sha256: string; uploadedBy: string; uploadedAt: number }

export class ImageUploadError extends Error {}

const MAGIC: Record<string, (b: Uint8Array) => boolean> = {
  "image/png": (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47,
  "image/jpeg": (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  "image/webp": (b) => new TextDecoder().decode(b.subarray(0, 4)) === "RIFF" && new TextDecoder().decode(b.subarray(8, 12)) === "WEBP",
};

export class SwitchImageStore {
  private readonly dir: string;
  private readonly meta: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, "images");
    this.meta = join(this.dir, "switch-display.json");
  }

  current(): StoredImage | undefined {
    try { return JSON.parse(readFileSync(this.meta, "utf8")) as StoredImage; } catch { return undefined; }
  }

  path(image: StoredImage): string { return join(this.dir, image.file); }

  /** Checks the type by content (not the browser's claim), writes the file, then the sidecar (atomic renames). */
  save(bytes: Uint8Array, by: string, at = Date.now()): StoredImage {
    if (bytes.length === 0) throw new ImageUploadError("the file is empty");
    if (bytes.length > MAX_IMAGE_BYTES) throw new ImageUploadError(`the image is larger than ${MAX_IMAGE_BYTES} bytes`);
    const mime = Object.keys(MAGIC).find((m) => MAGIC[m](bytes));
    if (!mime) throw new ImageUploadError("only PNG, JPEG or WebP images");
    mkdirSync(this.dir, { recursive: true });
    const previous = this.current();
    const image: StoredImage = {
      file: `switch-display-${at}.${IMAGE_TYPES[mime]}`, mime, bytes: bytes.length,
      sha256: new Bun.CryptoHasher("sha256").update(bytes).digest("hex"), uploadedBy: by, uploadedAt: at,
    };
    writeFileSync(join(this.dir, `${image.file}.tmp`), bytes);
    renameSync(join(this.dir, `${image.file}.tmp`), this.path(image));
    writeFileSync(`${this.meta}.tmp`, JSON.stringify(image));
    renameSync(`${this.meta}.tmp`, this.meta);
    if (previous && previous.file !== image.file) rmSync(this.path(previous), { force: true });
    return image;
  }
}
