/**
 * The console's trunk form as a trunk: validated by the same zod schema as a [[trunk]] table of avsplit.toml, with
 * the console limited to caller and callcenter trunks.
 */
import { z } from "zod";
import { configSchema, type TrunkConfig } from "../../config/schema.ts";

const trunkSchema = configSchema.shape.trunk.unwrap().element;
const consoleRole = z.enum(["caller", "callcenter"], { message: 'must be "caller" or "callcenter"' });

export class TrunkInputError extends Error {}

const field = (form: Record<string, unknown>, name: string) => (typeof form[name] === "string" ? (form[name] as string).trim() : "");

/** Addresses and CIDRs separated by commas, spaces or new lines. */
const listOf = (text: string) => text.split(/[\s,]+/).filter(Boolean);

/** `previous` is the trunk being edited: an empty password field keeps its password. */
export function trunkFromForm(form: Record<string, unknown>, previous?: TrunkConfig): TrunkConfig {
  const role = consoleRole.safeParse(field(form, "role"));
  if (!role.success) throw new TrunkInputError(`role: ${role.error.issues[0].message}`);
  const ping = field(form, "options_ping_s");
  const password = typeof form.auth_password === "string" ? form.auth_password : "";
  const input = {
    name: field(form, "name"),
    role: role.data,
    uri: field(form, "uri") || undefined,
    allow: listOf(field(form, "allow")),
    transport: field(form, "transport") || undefined,
    agent_from: field(form, "agent_from") || undefined,
    correlation_header: field(form, "correlation_header") || undefined,
    auth_user: field(form, "auth_user"),
    auth_password: password === "" && previous ? previous.auth_password : password,
    options_ping_s: ping === "" ? undefined : Number(ping),
  };
  const parsed = trunkSchema.safeParse(input);
  if (!parsed.success) throw new TrunkInputError(parsed.error.issues.map((i) => `${i.path.join(".") || "trunk"}: ${i.message}`).join("; "));
  if (parsed.data.allow.length === 0) throw new TrunkInputError("allow: list at least one address or CIDR the trunk sends from");
  return parsed.data;
}
