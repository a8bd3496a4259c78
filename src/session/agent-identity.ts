/**
 * Who answered at the call center, read from its 200 OK / re-INVITE / UPDATE per the trunk's `agent_from` rule:
 * `header:NAME` (a header's value, or the user part when it holds a SIP URI), `contact-user`, `pai-user`.
 */
import { parseNameAddr, type SipMessage } from "../sip/message/index.ts";

export type AgentFromRule = { kind: "header"; name: string } | { kind: "contact-user" } | { kind: "pai-user" };

export function parseAgentFromRule(text: string): AgentFromRule {
  if (text.startsWith("header:")) return { kind: "header", name: text.slice("header:".length) };
  if (text === "contact-user" || text === "pai-user") return { kind: text };
  throw new Error(`agent_from "${text}" is not header:NAME, contact-user or pai-user`);
}

const AGENT_ID = /^[A-Za-z0-9_.-]{1,64}$/;

function userOf(nameAddrText: string): string | undefined {
  try {
    return parseNameAddr(nameAddrText).uri.user ?? undefined;
  } catch {
    return undefined;
  }
}

/** The agent id, or undefined when the message does not name a (well-formed) one. */
export function agentFrom(message: SipMessage, rule: AgentFromRule): string | undefined {
  let value: string | undefined;
  if (rule.kind === "header") {
    const raw = message.headers.get(rule.name)?.trim();
    value = raw && /^(<|"|sips?:|tel:)/.test(raw) ? userOf(raw) : raw;
  } else {
    const header = message.headers.get(rule.kind === "contact-user" ? "Contact" : "P-Asserted-Identity");
    value = header ? userOf(header) : undefined;
  }
  return value && AGENT_ID.test(value) ? value : undefined;
}
