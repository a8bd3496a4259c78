import { SdpError } from "./errors.ts";
import type { ActualConfiguration, CapabilityNegotiation, PotentialConfiguration } from "./model.ts";
import { clip } from "./fmtp.ts";

/** RFC 5939 attribute names handled by this module. */
export const CAPNEG_ATTRIBUTES = new Set(["tcap", "acap", "pcfg", "acfg"]);

const MAX_CAPS = 32;

/** Build the capability model of one section from its raw tcap/acap/pcfg/acfg values. */
export function parseCapabilities(lines: readonly { name: string; value: string }[]): CapabilityNegotiation {
  const transports: { id: number; protocol: string }[] = [];
  const attributes: { id: number; attribute: string }[] = [];
  const potential: PotentialConfiguration[] = [];
  let actual: ActualConfiguration | undefined;
  for (const { name, value } of lines) {
    if (transports.length + attributes.length + potential.length > MAX_CAPS) {
      throw new SdpError("too-many-attributes", `more than ${MAX_CAPS} capability attributes`);
    }
    if (name === "tcap") {
      const m = /^(\d{1,3})\s+(\S.*)$/.exec(value);
      if (!m) throw bad(name, value);
      m[2].trim().split(/\s+/).forEach((protocol, i) => transports.push({ id: Number(m[1]) + i, protocol }));
    } else if (name === "acap") {
      const m = /^(\d{1,3})\s+(\S.*)$/.exec(value);
      if (!m) throw bad(name, value);
      attributes.push({ id: Number(m[1]), attribute: m[2].trim() });
    } else if (name === "pcfg") {
      potential.push(parseConfiguration(name, value));
    } else if (name === "acfg") {
      const c = parseConfiguration(name, value);
      actual = { id: c.id, transport: c.transports[0], attributes: c.attributeSets[0] ?? [] };
    }
  }
  potential.sort((a, b) => a.id - b.id);
  return { transports, attributes, potential, actual };
}

/** "1 t=1|2 a=1,[2]|3" -> id 1, transports [1,2], attribute sets [[1],[3]] (optional [n] dropped). */
function parseConfiguration(name: string, value: string): PotentialConfiguration {
  const parts = value.trim().split(/\s+/);
  const id = Number(parts[0]);
  if (!/^\d{1,3}$/.test(parts[0] ?? "")) throw bad(name, value);
  let transports: number[] = [];
  let attributeSets: number[][] = [];
  for (const part of parts.slice(1)) {
    if (part.startsWith("t=")) {
      transports = part.slice(2).split("|").map((t) => toId(name, value, t));
    } else if (part.startsWith("a=")) {
      // "-m:" / "-s:" / "-ms:" (delete attributes) is not used here; optional "[n]" capabilities are left out.
      attributeSets = part.slice(2).replace(/^-[ms]*:/, "").split("|").map((alt) =>
        alt.replace(/\[[^\]]*\]/g, "").split(",").filter((a) => a !== "").map((a) => toId(name, value, a)));
    }
    // other extension configurations (m=, pt=) are not used here and are ignored
  }
  return { id, transports, attributeSets };
}

function toId(name: string, value: string, text: string): number {
  if (!/^\d{1,3}$/.test(text)) throw bad(name, value);
  return Number(text);
}

function bad(name: string, value: string): SdpError {
  return new SdpError("bad-attribute", `a=${name}:${clip(value)} is not valid RFC 5939 syntax`);
}

/** Lines (without "a=") that write a capability model back. */
export function formatCapabilities(c: CapabilityNegotiation): string[] {
  const lines: string[] = [];
  for (const t of c.transports) lines.push(`tcap:${t.id} ${t.protocol}`);
  for (const a of c.attributes) lines.push(`acap:${a.id} ${a.attribute}`);
  for (const p of c.potential) {
    let line = `pcfg:${p.id}`;
    if (p.transports.length > 0) line += ` t=${p.transports.join("|")}`;
    if (p.attributeSets.length > 0) line += ` a=${p.attributeSets.map((s) => s.join(",")).join("|")}`;
    lines.push(line);
  }
  if (c.actual) {
    let line = `acfg:${c.actual.id}`;
    if (c.actual.transport !== undefined) line += ` t=${c.actual.transport}`;
    if (c.actual.attributes.length > 0) line += ` a=${c.actual.attributes.join(",")}`;
    lines.push(line);
  }
  return lines;
}
