import type { Role } from "../../store/users.ts";

export interface SignedInUser { id: number; username: string; role: Role; agentId: string | null }

/** hono context variables set by the auth middleware. */
export interface AuthEnv {
  Variables: {
    user: SignedInUser | undefined;
    csrfToken: string | undefined;
    lang: "zh-CN" | "en";
  };
}
