/** Digest response computation (RFC 7616 §3.4.1-3.4.3; RFC 2617 and RFC 2069 compatible). */
import { createHash } from "node:crypto";

export type DigestAlgorithm = "MD5" | "MD5-sess" | "SHA-256" | "SHA-256-sess" | "SHA-512-256" | "SHA-512-256-sess";
export type DigestQop = "auth" | "auth-int";

const HASH_NAME: Record<string, string> = { "MD5": "md5", "SHA-256": "sha256", "SHA-512-256": "sha512-256" };

/** Preference order when a server offers several challenges (strongest first, RFC 7616 §3.7 / RFC 8760). */
export const ALGORITHM_PREFERENCE: readonly DigestAlgorithm[] = [
  "SHA-512-256", "SHA-512-256-sess", "SHA-256", "SHA-256-sess", "MD5", "MD5-sess",
];

/** Canonical spelling of a received algorithm token (case-insensitive); null when unsupported. */
export function canonicalAlgorithm(token: string | undefined): DigestAlgorithm | null {
  if (token === undefined) return "MD5";  // RFC 7616 §3.3: absent means MD5
  const lower = token.toLowerCase();
  return ALGORITHM_PREFERENCE.find((a) => a.toLowerCase() === lower) ?? null;
}

function hashHex(algorithm: DigestAlgorithm, data: string | Uint8Array): string {
  return createHash(HASH_NAME[algorithm.replace(/-sess$/, "")]).update(data).digest("hex");
}

export interface DigestInput {
  algorithm: DigestAlgorithm;
  username: string;
  password: string;
  realm: string;
  nonce: string;
  method: string;
  uri: string;
  qop?: DigestQop;          // absent = RFC 2069 compatibility mode
  nc?: string;              // 8 hex digits, required with qop
  cnonce?: string;          // required with qop or -sess
  body?: Uint8Array;        // for qop=auth-int
}

export function digestResponse(input: DigestInput): string {
  const h = (data: string | Uint8Array) => hashHex(input.algorithm, data);
  let ha1 = h(`${input.username}:${input.realm}:${input.password}`);
  if (input.algorithm.endsWith("-sess")) ha1 = h(`${ha1}:${input.nonce}:${input.cnonce ?? ""}`);
  const a2 = input.qop === "auth-int"
    ? `${input.method}:${input.uri}:${h(input.body ?? new Uint8Array())}`
    : `${input.method}:${input.uri}`;
  const ha2 = h(a2);
  if (!input.qop) return h(`${ha1}:${input.nonce}:${ha2}`);
  return h(`${ha1}:${input.nonce}:${input.nc}:${input.cnonce}:${input.qop}:${ha2}`);
}

/** RFC 7616 §3.4.4: username hashed with the realm when the server asks for userhash=true. */
export function hashedUsername(algorithm: DigestAlgorithm, username: string, realm: string): string {
  return hashHex(algorithm, `${username}:${realm}`);
}
