/**
 * PIDF-LO (RFC 4119, shapes per RFC 5491, civic address per RFC 5139) as carried by value in an emergency INVITE
 * (RFC 6442): the caller's geodetic shapes (WGS 84, EPSG 4326/4979), civic address, positioning method and time.
 * fast-xml-parser reads the XML without resolving entities or DTDs, so hostile documents cannot expand or reach out.
 */
import { XMLParser } from "fast-xml-parser";

export type GeoShape =
  | { kind: "point"; lat: number; lon: number; altM?: number }
  | { kind: "circle"; lat: number; lon: number; radiusM: number }
  | { kind: "ellipse"; lat: number; lon: number; semiMajorM: number; semiMinorM: number; orientationDeg: number }
  | { kind: "polygon"; points: { lat: number; lon: number }[] };

export interface CallerLocation {
  /** The presentity the location is about (e.g. the caller's SIP or tel URI). */
  entity?: string;
  shapes: GeoShape[];
  /** Civic address elements by their RFC 5139 names (country, A1…A6, RD, HNO, PC, LOC, …). */
  civic?: Record<string, string>;
  /** How it was determined: GPS, Cell, Wiremap, … */
  method?: string;
  timestamp?: string;
  deviceId?: string;
}

export class PidfLoError extends Error {
  override readonly name = "PidfLoError";
}

export const PIDF_CONTENT_TYPE = "application/pidf+xml";
const MAX_BYTES = 64 * 1024;
const MAX_POLYGON_POINTS = 256;

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  processEntities: false,
  parseTagValue: false,
  trimValues: true,
  isArray: (_name: string, _path: unknown, _leaf: boolean, isAttribute: boolean) => !isAttribute,
});

type Node = Record<string, unknown>;

/** Reads a PIDF-LO document; throws PidfLoError when it is not well-formed XML, not PIDF, or too large. */
export function parsePidfLo(xml: string): CallerLocation {
  if (xml.length > MAX_BYTES) throw new PidfLoError(`PIDF-LO of ${xml.length} bytes exceeds ${MAX_BYTES}`);
  let doc: Node;
  try {
    doc = parser.parse(xml, true) as Node;
  } catch (err) {
    throw new PidfLoError(`PIDF-LO is not well-formed XML: ${(err as Error).message.split("\n")[0]}`);
  }
  const presence = first(doc, "presence");
  if (!presence) throw new PidfLoError("PIDF-LO has no <presence> root");
  const location: CallerLocation = { shapes: [] };
  const entity = attr(presence, "entity");
  if (entity) location.entity = entity;
  for (const geopriv of descendants(presence, "geopriv")) {
    for (const info of children(geopriv, "location-info")) readLocationInfo(info, location);
    location.method ??= text(first(geopriv, "method"));
  }
  for (const holder of [...children(presence, "device"), ...children(presence, "tuple"), ...children(presence, "person")]) {
    location.timestamp ??= text(first(holder, "timestamp"));
    location.deviceId ??= text(first(holder, "deviceID"));
  }
  return location;
}

function readLocationInfo(info: Node, out: CallerLocation): void {
  for (const [name, nodes] of Object.entries(info)) {
    for (const node of nodes as Node[]) {
      if (name === "civicAddress") out.civic = { ...out.civic, ...civicOf(node) };
      else {
        const shape = shapeOf(name, node);
        if (shape) out.shapes.push(shape);
      }
    }
  }
}

function shapeOf(name: string, node: Node): GeoShape | undefined {
  switch (name) {
    case "Point": {
      const p = position(text(first(node, "pos")));
      return p && { kind: "point", ...p };
    }
    case "Circle": {
      const p = position(text(first(node, "pos")));
      const radiusM = number(text(first(node, "radius")));
      return p && radiusM !== undefined ? { kind: "circle", lat: p.lat, lon: p.lon, radiusM } : undefined;
    }
    case "Ellipse": {
      const p = position(text(first(node, "pos")));
      const semiMajorM = number(text(first(node, "semiMajorAxis")));
      const semiMinorM = number(text(first(node, "semiMinorAxis")));
      const orientationDeg = number(text(first(node, "orientation"))) ?? 0;
      if (!p || semiMajorM === undefined || semiMinorM === undefined) return undefined;
      return { kind: "ellipse", lat: p.lat, lon: p.lon, semiMajorM, semiMinorM, orientationDeg };
    }
    case "Polygon": {
      const ring = first(first(node, "exterior"), "LinearRing");
      const list = text(first(ring, "posList"));
      const values = list ? list.split(/\s+/).map(Number) : children(ring, "pos").flatMap((p) => (text(p) ?? "").split(/\s+/).map(Number));
      if (values.some((v) => !Number.isFinite(v)) || values.length < 6 || values.length > 2 * MAX_POLYGON_POINTS) return undefined;
      const points: { lat: number; lon: number }[] = [];
      for (let i = 0; i + 1 < values.length; i += 2) points.push({ lat: values[i]!, lon: values[i + 1]! });
      return { kind: "polygon", points };
    }
    default:
      return undefined;
  }
}

/** "lat lon [alt]" in WGS 84; undefined when it is not that. */
function position(pos: string | undefined): { lat: number; lon: number; altM?: number } | undefined {
  if (!pos) return undefined;
  const [lat, lon, alt, ...rest] = pos.split(/\s+/).map(Number);
  if (rest.length || lat === undefined || lon === undefined || !(Math.abs(lat) <= 90) || !(Math.abs(lon) <= 180)) return undefined;
  if (alt === undefined) return { lat, lon };
  return Number.isFinite(alt) ? { lat, lon, altM: alt } : undefined;
}

function civicOf(node: Node): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, values] of Object.entries(node)) {
    if (name.startsWith("@")) continue;
    const value = text((values as Node[])[0]);
    if (value) out[name] = value;
  }
  return out;
}

function children(node: Node | undefined, name: string): Node[] {
  const value = node?.[name];
  return Array.isArray(value) ? (value as Node[]) : [];
}

function first(node: Node | undefined, name: string): Node | undefined {
  return children(node, name)[0];
}

function descendants(node: Node, name: string, depth = 0): Node[] {
  if (depth > 8) return [];
  const out: Node[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith("@") || !Array.isArray(value)) continue;
    for (const child of value as Node[]) {
      if (typeof child !== "object" || child === null) continue;
      if (key === name) out.push(child);
      else out.push(...descendants(child, name, depth + 1));
    }
  }
  return out;
}

function text(node: Node | string | undefined): string | undefined {
  const value = typeof node === "string" ? node : node?.["#text"];
  return typeof value === "string" && value !== "" ? decodeXmlReferences(value) : undefined;
}

const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** The five predefined entities and character references (entity processing is off, so DTD entities stay as written). */
function decodeXmlReferences(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g, (whole, ref: string) => {
    if (ref[0] !== "#") return PREDEFINED[ref]!;
    const code = ref[1] === "x" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function attr(node: Node, name: string): string | undefined {
  const value = node[`@${name}`];
  return typeof value === "string" ? decodeXmlReferences(value) : undefined;
}

function number(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n >= 0 ? n : undefined;
}
