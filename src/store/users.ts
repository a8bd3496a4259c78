/** Console and API accounts. Passwords are hashed with Bun.password (argon2id). */
import { asc, count, eq } from "drizzle-orm";
import type { Db } from "./db.ts";
import { users } from "./schema.ts";

export const ROLES = ["admin", "supervisor", "agent", "auditor"] as const;
export type Role = (typeof ROLES)[number];
export type User = typeof users.$inferSelect;

export const MIN_PASSWORD_LENGTH = 10;

export class UserError extends Error {}

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

  async verifyPassword(username: string, password: string): Promise<User | undefined> {
    const user = this.find(username);
    if (!user || user.disabled) return undefined;
    return (await Bun.password.verify(password, user.passwordHash)) ? user : undefined;
  }
}
