/**
 * SIP-aware mutation of a real VoLTE INVITE, shared by the unit fuzz test and test/bench/sip-fuzz.ts.
 * Every case is reproducible from its index.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { rng } from "../../support/fuzz.ts";
import {
  createResponse,
  frameLength,
  parseMessage,
  parseMultipart,
  SipParseError,
  SipRequest,
} from "../../../src/sip/message/index.ts";

export const SEED_MESSAGE: Uint8Array = new Uint8Array(readFileSync(join(import.meta.dir, "../../fixtures/sip/volte-video-invite.sip")));
const enc = new TextEncoder();
const headEnd = Buffer.from(SEED_MESSAGE).indexOf("\r\n\r\n");

const SNIPPETS = [
  "\r\n", "\n", "\r", " ", "\t", ":", ";", ",", "<", ">", '"', "\\", "%", "%0", "[", "]", "@", "=", "\0",
  "\r\n ", "\r\n\r\n", "SIP/2.0", "sip:", "tel:", "z9hG4bK", ";tag=", ";branch=", "Content-Length: ",
  "Via: SIP/2.0/UDP ", "\xff\xfe", "\u00e4", "\ud83d\ude00",
];

function insert(buf: Uint8Array, at: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(buf.length + bytes.length);
  out.set(buf.subarray(0, at));
  out.set(bytes, at);
  out.set(buf.subarray(at), at + bytes.length);
  return out;
}

/** Deterministic case `index`: 1..4 stacked mutations of the seed INVITE. */
export function fuzzCase(index: number): Uint8Array {
  const rand = rng(0x5eed ^ Math.imul(index, 0x9e3779b1));
  const pick = (n: number) => Math.floor(rand() * n);
  let buf: Uint8Array = SEED_MESSAGE;
  const ops = 1 + pick(4);
  for (let k = 0; k < ops; k++) {
    const op = pick(10);
    const inHead = pick(Math.max(1, Math.min(buf.length, headEnd + 4)));
    if (op === 0) {
      buf = buf.slice();
      for (let f = 1 + pick(8); f > 0 && buf.length; f--) buf[pick(buf.length)] = pick(256); // byte flips
    } else if (op === 1) {
      buf = buf.subarray(0, pick(buf.length + 1)); // truncation
    } else if (op === 2) {
      buf = insert(buf, inHead, enc.encode(SNIPPETS[pick(SNIPPETS.length)])); // syntax-significant chars
    } else if (op === 3) {
      const size = [100, 1000, 9000, 70000][pick(4)]; // huge header (over maxHeaderLength / maxBytes)
      buf = insert(buf, buf.indexOf(0x0a) + 1, enc.encode(`X-Huge: ${"A".repeat(size)}\r\n`));
    } else if (op === 4) {
      const value = ["-1", "0", "99999999999", "abc", String(pick(6000)), "1, 2", "", " 4 2"][pick(8)];
      const text = Buffer.from(buf).toString("latin1").replace(/Content-Length: [^\r\n]*/i, `Content-Length: ${value}`);
      buf = new Uint8Array(Buffer.from(text, "latin1")); // bad Content-Length
    } else if (op === 5) {
      const junk = new Uint8Array(1 + pick(64)).map(() => pick(256)); // random bytes
      buf = insert(buf, pick(buf.length + 1), junk);
    } else if (op === 6) {
      const lines = Buffer.from(buf).toString("latin1").split("\r\n"); // duplicate or drop a header line
      const i = 1 + pick(Math.max(1, lines.length - 1));
      if (pick(2)) lines.splice(i, 0, lines[i] ?? "");
      else lines.splice(i, 1);
      buf = new Uint8Array(Buffer.from(lines.join("\r\n"), "latin1"));
    } else if (op === 7) {
      const many = Array.from({ length: 50 + pick(400) }, (_, j) => `X-${j}: ${j}\r\n`).join(""); // header count
      buf = insert(buf, buf.indexOf(0x0a) + 1, enc.encode(many));
    } else if (op === 8) {
      buf = buf.slice(); // change every occurrence of a structural byte in a random region
      const from = pick(buf.length);
      const to = Math.min(buf.length, from + 1 + pick(200));
      const [a, b] = [[0x3c, 0x3e], [0x3b, 0x2c], [0x22, 0x20], [0x3a, 0x40], [0x0d, 0x0a]][pick(5)];
      for (let i = from; i < to; i++) if (buf[i] === a) buf[i] = b;
    } else {
      buf = new Uint8Array(pick(300)).map(() => pick(256)); // pure random datagram
    }
  }
  return buf;
}

export type Outcome = "parsed" | "rejected";

/**
 * Runs everything a receiver does with a datagram/frame. Returns how it ended; throws if anything other than a
 * SipParseError escaped, or if the parser reported an internal failure.
 */
export function exercise(data: Uint8Array): Outcome {
  try {
    frameLength(data);
  } catch (err) {
    if (!(err instanceof SipParseError)) throw err;
  }
  let outcome: Outcome = "parsed";
  try {
    const m = parseMessage(data);
    const wire = m.serialize();
    // serialize() may re-send the received bytes: they must be exactly what formatting the values writes
    const formatted = parseMessage(data);
    formatted.headers = formatted.headers.clone();
    if (!Buffer.from(wire).equals(Buffer.from(formatted.serialize()))) throw new Error("re-sent bytes differ from the formatted message");
    // parseMessage checked these without building them: the accessors that build them must then succeed
    const validated = [() => m.topVia, () => m.cseq, () => m.from, () => m.to, () => m.contact, () => m.callId];
    for (const read of validated) {
      try {
        read();
      } catch (err) {
        throw new Error(`accessor failed on a message parseMessage accepted: ${String(err)}`);
      }
    }
    for (const read of [() => m.vias, () => m.maxForwards]) {
      try {
        read();
      } catch (err) {
        if (!(err instanceof SipParseError)) throw err;
      }
    }
    if (m instanceof SipRequest) createResponse(m, 200, undefined, "t").serialize();
    const ct = m.headers.get("Content-Type");
    if (ct?.toLowerCase().startsWith("multipart/")) {
      try {
        parseMultipart(ct, m.body);
      } catch (err) {
        if (!(err instanceof SipParseError)) throw err;
      }
    }
  } catch (err) {
    if (!(err instanceof SipParseError)) throw err;
    if (err.code === "internal") throw new Error(`parser bug: ${err.message}`);
    if (err.request) createResponse(err.request, err.status, err.reason).serialize();
    outcome = "rejected";
  }
  return outcome;
}
