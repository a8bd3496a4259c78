/**
 * Per-user API tokens for integrators (REST API, `Authorization: Bearer <token>`). Only the sha256 is stored.
 * The table is declared here until the lead moves it into schema.ts with its migration; without the table
 * (an older database) tokens are simply unavailable and the API accepts the console cookie only.
 */
import type { Database } from "bun:sqlite";
import { randomBytes } from "node:crypto";
import type { User } from "./users.ts";

const sha256 = (s: string) => new Bun.CryptoHasher("sha256").update(s).digest("hex");
export const API_TOKEN_PREFIX = "avs_";

export type TokenUser = Pick<User, "id" | "username" | "role" | "agentId">;

export class ApiTokenRepository {
  constructor(private readonly sqlite: Database) {}

  /** A new token for the user, replacing the previous one; shown once. */
  create(userId: number, at = Date.now()): string {
    const token = API_TOKEN_PREFIX + randomBytes(32).toString("base64url");
    this.sqlite.transaction(() => {
      this.sqlite.run("DELETE FROM api_tokens WHERE user_id = ?", [userId]);
      this.sqlite.run("INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES (?, ?, ?)", [sha256(token), userId, at]);
    }).immediate();
    return token;
  }

  resolve(token: string): TokenUser | undefined {
    if (!token.startsWith(API_TOKEN_PREFIX)) return undefined;
    const hash = sha256(token);
    const row = this.sqlite
      .query<{ id: number; username: string; role: User["role"]; agent_id: string | null; disabled: number }, [string]>(
        "SELECT u.id, u.username, u.role, u.agent_id, u.disabled FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?",
      )
      .get(hash);
    if (!row || row.disabled) return undefined;
    this.sqlite.run("UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?", [Date.now(), hash]);
    return { id: row.id, username: row.username, role: row.role, agentId: row.agent_id };
  }
}
