/** Settings an administrator changed in the console, keyed by dotted config key ("media.media_timeout_s"). */
import { eq } from "drizzle-orm";
import type { Db } from "./db.ts";
import { settings } from "./schema.ts";

export class SettingsRepository {
  constructor(private readonly db: Db) {}

  all(): Record<string, unknown> {
    return Object.fromEntries(this.db.select().from(settings).all().map((r) => [r.key, r.value]));
  }

  set(key: string, value: unknown, by: string): void {
    this.db
      .insert(settings)
      .values({ key, value, updatedBy: by, updatedAt: Date.now() })
      .onConflictDoUpdate({ target: settings.key, set: { value, updatedBy: by, updatedAt: Date.now() } })
      .run();
  }

  delete(key: string): void {
    this.db.delete(settings).where(eq(settings.key, key)).run();
  }
}
