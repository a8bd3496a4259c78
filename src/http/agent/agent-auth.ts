/**
 * Who is calling an agent HTTP route: a signed-in console user with an agent id (agent or supervisor role), or an
 * embedded widget presenting its agent's token in headers (`X-Avsplit-Agent` + `Authorization: Bearer`), never in
 * the URL. A custom header makes the request non-simple, so another origin cannot send it without a preflight.
 */
import type { SignedInUser } from "../auth/context.ts";

export const AGENT_HEADER = "x-avsplit-agent";

export function agentOfUser(user: SignedInUser | undefined): string | undefined {
  if (!user || !user.agentId) return undefined;
  return user.role === "agent" || user.role === "supervisor" ? user.agentId : undefined;
}

export function agentOfRequest(
  req: { header(name: string): string | undefined },
  user: SignedInUser | undefined,
  agentForToken: (agentId: string, token: string) => boolean,
): string | undefined {
  const claimed = req.header(AGENT_HEADER);
  const bearer = /^Bearer (.{1,256})$/.exec(req.header("authorization") ?? "")?.[1];
  if (claimed && bearer) return agentForToken(claimed, bearer) ? claimed : undefined;
  return agentOfUser(user);
}
