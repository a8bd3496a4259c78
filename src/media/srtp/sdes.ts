/**
 * SDP Security Descriptions (RFC 4568) for SRTP: the value of `a=crypto:` —
 * `<tag> <suite> inline:<base64 key||salt>[|<lifetime>][|<mki>:<len>] [session params]`.
 * One key per line: an MKI is supported (it is then carried in every packet), several keys per line
 * (";", key switching by MKI) are rejected with SrtpKeyError("multiple-keys") so the next line can be tried.
 */
import { randomBytes } from "node:crypto";
import { SrtpKeyError } from "./errors.ts";
import type { SrtpMasterKeys } from "./kdf.ts";
import { srtpProfileByName, type SrtpProfile, type SrtpProfileName } from "./profiles.ts";
import { assertReplayWindowSize, MAX_REPLAY_WINDOW } from "./replay-window.ts";

export interface SdesCrypto {
  tag: number;
  profile: SrtpProfile;
  keys: SrtpMasterKeys;
  /** Key lifetime in packets, if the line gave one (informative: keys are not re-negotiated automatically). */
  lifetime?: number;
  /** WSH session parameter: the sender's suggested replay window (RFC 4568 §6.3.7). */
  windowSizeHint?: number;
}

const MAX_LIFETIME = 2 ** 48; // SRTP's index space (RFC 3711 §9.2)
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const LIFETIME = /^(2\^)?(\d{1,15})$/;
const MKI = /^(\d{1,310}):(\d{1,3})$/;
const MAX_MKI_LENGTH = 128; // bytes (RFC 4568 §6.1)

/** An a=crypto line already split into its fields (the shape of src/sdp's `Crypto`). */
export interface SdesCryptoFields {
  tag: number;
  suite: string;
  keyParams: string;
  sessionParams?: string;
}

/** Parses the value of `a=crypto:` (a string without the "a=crypto:" prefix, or its split fields). */
export function parseSdesCrypto(value: string | SdesCryptoFields): SdesCrypto {
  const fields = typeof value === "string" ? splitCryptoValue(value) : value;
  const { tag, suite, keyParams } = fields;
  if (!Number.isInteger(tag) || tag < 0 || tag > 999_999_999) throw syntax(`bad a=crypto tag "${tag}"`);
  const profile = srtpProfileByName(suite);
  if (!profile) throw new SrtpKeyError("unknown-suite", `unsupported SRTP crypto suite "${suite}"`);
  if (keyParams.includes(";")) throw new SrtpKeyError("multiple-keys", "several keys in one a=crypto line are not supported");
  const out: SdesCrypto = { tag, profile, ...parseKeyParam(profile, keyParams) };
  for (const param of fields.sessionParams?.trim().split(/\s+/) ?? []) {
    if (param) applySessionParam(out, param);
  }
  return out;
}

function splitCryptoValue(value: string): SdesCryptoFields {
  const fields = value.trim().split(/\s+/);
  if (fields.length < 3) throw syntax(`a=crypto needs a tag, a suite and key params: "${value}"`);
  const [tagText, suite, keyParams, ...sessionParams] = fields;
  if (!/^\d{1,9}$/.test(tagText)) throw syntax(`bad a=crypto tag "${tagText}"`);
  return { tag: Number(tagText), suite, keyParams, sessionParams: sessionParams.join(" ") };
}

export function formatSdesCrypto(crypto: SdesCrypto): string {
  const { masterKey, masterSalt, mki } = crypto.keys;
  const key = Buffer.concat([masterKey, masterSalt]).toString("base64");
  const lifetime = crypto.lifetime !== undefined ? `|${formatLifetime(crypto.lifetime)}` : "";
  const mkiText = mki?.length ? `|${BigInt(`0x${Buffer.from(mki).toString("hex")}`)}:${mki.length}` : "";
  const wsh = crypto.windowSizeHint !== undefined ? ` WSH=${crypto.windowSizeHint}` : "";
  return `${crypto.tag} ${crypto.profile.name} inline:${key}${lifetime}${mkiText}${wsh}`;
}

/** A fresh random key for our side of an offer/answer. */
export function createSdesCrypto(tag: number, profile: SrtpProfile): SdesCrypto {
  return {
    tag, profile,
    keys: { masterKey: randomBytes(profile.masterKeyLength), masterSalt: randomBytes(profile.masterSaltLength) },
  };
}

/**
 * Answerer's choice (RFC 4568 §7.1.2): the first offered line that parses and uses an accepted suite.
 * Returns undefined when none does.
 */
export function selectSdesCrypto(
  offered: readonly (string | SdesCryptoFields)[],
  accepted: readonly SrtpProfileName[],
): SdesCrypto | undefined {
  for (const line of offered) {
    let parsed: SdesCrypto;
    try {
      parsed = parseSdesCrypto(line);
    } catch (e) {
      if (e instanceof SrtpKeyError) continue;
      throw e;
    }
    if (accepted.includes(parsed.profile.name)) return parsed;
  }
  return undefined;
}

function parseKeyParam(profile: SrtpProfile, param: string): Pick<SdesCrypto, "keys" | "lifetime"> {
  if (!param.startsWith("inline:")) throw syntax(`key method must be "inline": "${param}"`);
  const [keySalt, ...extras] = param.slice("inline:".length).split("|");
  if (extras.length > 2) throw syntax(`too many key-info fields: "${param}"`);
  let lifetime: number | undefined;
  let mki: Uint8Array | undefined;
  for (const extra of extras) {
    if (extra.includes(":")) {
      if (mki) throw syntax(`two MKIs in "${param}"`);
      mki = parseMki(extra);
    } else {
      if (lifetime !== undefined || mki) throw syntax(`misplaced lifetime in "${param}"`);
      lifetime = parseLifetime(extra);
    }
  }
  if (!BASE64.test(keySalt)) throw syntax("key||salt is not base64");
  const raw = Buffer.from(keySalt, "base64");
  const k = profile.masterKeyLength;
  if (raw.length !== k + profile.masterSaltLength) {
    throw new SrtpKeyError("bad-key-length",
      `${profile.name} needs ${k + profile.masterSaltLength} bytes of key||salt, got ${raw.length}`);
  }
  return { keys: { masterKey: raw.subarray(0, k), masterSalt: raw.subarray(k), mki }, lifetime };
}

function parseLifetime(text: string): number {
  const m = LIFETIME.exec(text);
  if (!m) throw new SrtpKeyError("bad-lifetime", `bad key lifetime "${text}"`);
  const n = Number(m[2]);
  const value = m[1] ? 2 ** n : n;
  if (value < 1 || value > MAX_LIFETIME) throw new SrtpKeyError("bad-lifetime", `key lifetime "${text}" out of range`);
  return value;
}

/** `<value>:<length>`: the decimal MKI value as `length` big-endian bytes. */
function parseMki(text: string): Uint8Array {
  const m = MKI.exec(text);
  const length = m ? Number(m[2]) : 0;
  if (!m || length < 1 || length > MAX_MKI_LENGTH) throw syntax(`bad MKI "${text}" (value:length, length 1..128)`);
  let value = BigInt(m[1]);
  if (value >= 1n << BigInt(8 * length)) throw syntax(`MKI value ${m[1]} does not fit in ${length} bytes`);
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--, value >>= 8n) out[i] = Number(value & 0xffn);
  return out;
}

function formatLifetime(value: number): string {
  const exp = Math.log2(value);
  return Number.isInteger(exp) ? `2^${exp}` : String(value);
}

/** Session parameters that change the packet format are refused; unknown ones only if marked optional ("-"). */
function applySessionParam(out: SdesCrypto, param: string): void {
  const [name, arg] = param.split("=", 2);
  switch (name) {
    case "KDR":
      if (arg !== "0") throw new SrtpKeyError("unsupported-param", `KDR=${arg} is not supported (only 0)`);
      return;
    case "WSH": {
      const n = Number(arg);
      if (!/^\d{1,5}$/.test(arg ?? "") || n < 64) throw syntax(`bad WSH "${param}"`);
      // Our window sizes are multiples of 32; round the hint up and cap it.
      const size = Math.min(MAX_REPLAY_WINDOW, Math.ceil(n / 32) * 32);
      assertReplayWindowSize(size);
      out.windowSizeHint = size;
      return;
    }
    case "UNENCRYPTED_SRTP": case "UNENCRYPTED_SRTCP": case "UNAUTHENTICATED_SRTP":
    case "FEC_ORDER": case "FEC_KEY":
      throw new SrtpKeyError("unsupported-param", `session parameter ${name} is not supported`);
    default:
      if (name.startsWith("-")) return;
      throw new SrtpKeyError("unsupported-param", `unknown session parameter "${param}"`);
  }
}

function syntax(message: string): SrtpKeyError {
  return new SrtpKeyError("bad-syntax", message);
}
