/** Console and API accounts. Passwords are hashed with Bun.password (argon2id). */
import { asc, count, eq } from "drizzle-orm";
import type { Db } from "./db.ts";
import { users } from "./schema.ts";

export const ROLES = ["admin", "supervisor", "agent", "auditor"] as const;
export type Role = (typeof ROLES)[number];
export type User = typeof users.$inferSelect;

export const MIN_PASSWORD_LENGTH = 10;

export class UserError extends Error {}

export const LOCKOUT_AFTER = 5;
let dummyHash: Promise<string> | undefined;
const dummy = () => (dummyHash ??= Bun.password.hash("avsplit-dummy-password", { algorithm: "argon2id" }));

export type SignInResult =
  | { ok: true; user: User }
  | { ok: false; reason: "bad-credentials" | "locked"; lockedUntil?: number; failedLogins?: number };

export function checkPasswordPolicy(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new UserError(`password must have at least ${MIN_PASSWORD_LENGTH} characters`);
}

export class UserRepository {
  constructor(private readonly db: Db) {}

  list(): Omit<User, "passwordHash">[] {
    return this.db.select().from(users).orderBy(asc(users.username)).all().map(({ passwordHash: _, ...u }) => u);
  }

  find(username: string): User | undefined {
    return this.db.select().from(users).where(eq(users.username, username)).get();
  }

  count(): number {
    return this.db.select({ n: count() }).from(users).get()?.n ?? 0;
  }

  async add(input: { username: string; password: string; role: Role; agentId?: string | null }): Promise<User> {
    if (!/^[A-Za-z0-9_.@-]{1,64}$/.test(input.username)) throw new UserError(`username "${input.username}" must be 1-64 letters, digits, '_', '.', '@' or '-'`);
    if (!ROLES.includes(input.role)) throw new UserError(`role must be one of ${ROLES.join(", ")}`);
    checkPasswordPolicy(input.password);
    if (this.find(input.username)) throw new UserError(`user "${input.username}" already exists`);
    const passwordHash = await Bun.password.hash(input.password, { algorithm: "argon2id" });
    return this.db.insert(users).values({ username: input.username, passwordHash, role: input.role, agentId: input.agentId ?? null }).returning().get();
  }

  async setPassword(username: string, password: string): Promise<void> {
    checkPasswordPolicy(password);
    if (!this.find(username)) throw new UserError(`no user "${username}"`);
    const passwordHash = await Bun.password.hash(password, { algorithm: "argon2id" });
    this.db.update(users).set({ passwordHash, failedLogins: 0, lockedUntil: null, updatedAt: Date.now() }).where(eq(users.username, username)).run();
  }

  /**
   * Checks a sign-in. After LOCKOUT_AFTER consecutive failures the account is locked, for a time that doubles
   * with each further failure (1 min, 2 min, ... capped at 1 h); a locked account is refused even with the right password.
   */
  async signIn(username: string, password: string, now = Date.now()): Promise<SignInResult> {
    const user = this.find(username);
    if (!user || user.disabled) {
      // Same cost as a real check, so the response time does not reveal which usernames exist.
      await Bun.password.verify(password, await dummy());
      return { ok: false, reason: "bad-credentials" };
    }
    if (user.lockedUntil && user.lockedUntil > now) return { ok: false, reason: "locked", lockedUntil: user.lockedUntil };
    if (await Bun.password.verify(password, user.passwordHash)) {
      if (user.failedLogins) this.db.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, user.id)).run();
      return { ok: true, user };
    }
    const failedLogins = user.failedLogins + 1;
    const excess = failedLogins - LOCKOUT_AFTER;
    const lockedUntil = excess >= 0 ? now + Math.min(3600_000, 60_000 * 2 ** excess) : null;
    this.db.update(users).set({ failedLogins, lockedUntil }).where(eq(users.id, user.id)).run();
    return lockedUntil ? { ok: false, reason: "locked", lockedUntil, failedLogins } : { ok: false, reason: "bad-credentials", failedLogins };
  }
}
