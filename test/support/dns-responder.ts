/**
 * A tiny authoritative DNS server on 127.0.0.1 for interop tests: answers A, AAAA and SRV queries for a made-up zone
 * over UDP (RFC 1035 §4 messages; RFC 2782 SRV RDATA). Written here rather than pulling in a DNS package: the three
 * record types take a few dozen lines and the test then needs no dependency beyond node:dgram.
 */
import { createSocket, type Socket } from "node:dgram";

export interface DnsZoneEntry {
  a?: string[];
  aaaa?: string[];
  srv?: { priority: number; weight: number; port: number; target: string }[];
}

export interface DnsResponder {
  /** "127.0.0.1:PORT", the form [sip] dns_servers takes. */
  address: string;
  /** Every question asked, e.g. "SRV _sip._udp.cc.avsplit.test". */
  queries: string[];
  close(): void;
}

const TYPE = { A: 1, AAAA: 28, SRV: 33 } as const;
const TYPE_NAME = new Map<number, string>(Object.entries(TYPE).map(([k, v]) => [v, k]));
const TTL_S = 300;

export async function startDnsResponder(zone: Record<string, DnsZoneEntry>): Promise<DnsResponder> {
  const queries: string[] = [];
  const socket: Socket = createSocket("udp4");
  socket.on("message", (msg, rinfo) => {
    const reply = answer(msg, zone, queries);
    if (reply) socket.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { address: `127.0.0.1:${socket.address().port}`, queries, close: () => socket.close() };
}

function answer(msg: Buffer, zone: Record<string, DnsZoneEntry>, queries: string[]): Buffer | null {
  if (msg.length < 12 || msg.readUInt16BE(4) !== 1) return null;
  const { name, end } = readName(msg, 12);
  const type = msg.readUInt16BE(end);
  const question = msg.subarray(12, end + 4);
  queries.push(`${TYPE_NAME.get(type) ?? type} ${name}`);
  const entry = zone[name.toLowerCase()];
  const records = entry ? rdataOf(entry, type) : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(msg.readUInt16BE(0), 0);
  // QR, AA, RD copied, RA; RCODE 3 (NXDOMAIN) for names outside the zone
  header.writeUInt16BE(0x8400 | (msg.readUInt16BE(2) & 0x0100) | 0x0080 | (entry ? 0 : 3), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  const answers = records.map((rdata) => {
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // name: pointer to the question
    rr.writeUInt16BE(type, 2);
    rr.writeUInt16BE(1, 4); // class IN
    rr.writeUInt32BE(TTL_S, 6);
    rr.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([rr, rdata]);
  });
  return Buffer.concat([header, question, ...answers]);
}

function rdataOf(entry: DnsZoneEntry, type: number): Buffer[] {
  if (type === TYPE.A) return (entry.a ?? []).map((ip) => Buffer.from(ip.split(".").map(Number)));
  if (type === TYPE.AAAA) return (entry.aaaa ?? []).map(ipv6Bytes);
  if (type === TYPE.SRV) {
    return (entry.srv ?? []).map((s) => {
      const fixed = Buffer.alloc(6);
      fixed.writeUInt16BE(s.priority, 0);
      fixed.writeUInt16BE(s.weight, 2);
      fixed.writeUInt16BE(s.port, 4);
      return Buffer.concat([fixed, encodeName(s.target)]);
    });
  }
  return [];
}

function readName(msg: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let at = offset;
  while (msg[at] !== 0) {
    labels.push(msg.toString("latin1", at + 1, at + 1 + msg[at]));
    at += 1 + msg[at];
  }
  return { name: labels.join("."), end: at + 1 };
}

function encodeName(name: string): Buffer {
  const labels = name.split(".").filter(Boolean);
  return Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, "latin1")])), Buffer.from([0])]);
}

function ipv6Bytes(ip: string): Buffer {
  const [head, tail = ""] = ip.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = ip.includes("::") ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right] : left;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}
