/** Console sign-in sessions: random cookie token (only its sha256 stored), a CSRF token, sliding expiry. */
import { and, eq, gt, lt } from "drizzle-orm";
import { randomBytes } from "node:crypto";
import type { Db } from "./db.ts";
import { users, webSessions } from "./schema.ts";
import type { User } from "./users.ts";

const sha256 = (s: string) => new Bun.CryptoHasher("sha256").update(s).digest("hex");
const token = () => randomBytes(32).toString("base64url");

export interface WebSession { user: Omit<User, "passwordHash">; csrfToken: string }

export class WebSessionRepository {
  constructor(private readonly db: Db, private readonly idleMs = 8 * 3600_000) {}

  create(userId: number, remote: string | null): { token: string; csrfToken: string } {
    const t = token();
    const csrfToken = token();
    const now = Date.now();
    this.db.insert(webSessions).values({ tokenHash: sha256(t), userId, csrfToken, createdAt: now, lastSeenAt: now, expiresAt: now + this.idleMs, remote }).run();
    return { token: t, csrfToken };
  }

  /** The signed-in user for a cookie token, extending the session; undefined when unknown, expired or disabled. */
  resolve(cookieToken: string): WebSession | undefined {
    const now = Date.now();
    const row = this.db
      .select({ session: webSessions, user: users })
      .from(webSessions)
      .innerJoin(users, eq(users.id, webSessions.userId))
      .where(and(eq(webSessions.tokenHash, sha256(cookieToken)), gt(webSessions.expiresAt, now)))
      .get();
    if (!row || row.user.disabled) return undefined;
    this.db.update(webSessions).set({ lastSeenAt: now, expiresAt: now + this.idleMs }).where(eq(webSessions.tokenHash, row.session.tokenHash)).run();
    const { passwordHash: _, ...user } = row.user;
    return { user, csrfToken: row.session.csrfToken };
  }

  destroy(cookieToken: string): void {
    this.db.delete(webSessions).where(eq(webSessions.tokenHash, sha256(cookieToken))).run();
  }

  destroyAllOf(userId: number): void {
    this.db.delete(webSessions).where(eq(webSessions.userId, userId)).run();
  }

  purgeExpired(): void {
    this.db.delete(webSessions).where(lt(webSessions.expiresAt, Date.now())).run();
  }
}
