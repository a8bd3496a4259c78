/** Session ids double as correlation tokens: `<node id>.<random>`, so a widget can tell which node holds a call. */
import { randomBytes } from "node:crypto";

export function newSessionId(nodeId: string): string {
  return `${nodeId}.${randomBytes(9).toString("base64url")}`;
}

export function nodeOfSession(sessionId: string): string | undefined {
  const dot = sessionId.lastIndexOf(".");
  return dot > 0 ? sessionId.slice(0, dot) : undefined;
}
