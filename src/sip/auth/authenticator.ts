/**
 * Digest authentication as a UAC (RFC 3261 §22.2-22.3, RFC 7616): answers 401/407 challenges,
 * picks the strongest algorithm per realm, counts nc per nonce and retries once per nonce
 * (again only when the server says stale=true).
 */
import { randomBytes } from "node:crypto";
import { parseChallenges, formatCredentials, type AuthChallenge } from "./challenge.ts";
import {
  ALGORITHM_PREFERENCE, canonicalAlgorithm, digestResponse, hashedUsername,
  type DigestAlgorithm, type DigestQop,
} from "./digest.ts";

export interface DigestCredentials {
  username: string;
  password: string;
  /** Answer only challenges of this realm (any realm when absent). */
  realm?: string;
}

export type AuthHeaderName = "Authorization" | "Proxy-Authorization";
export interface AuthorizationHeader { name: AuthHeaderName; value: string; realm: string; nonce: string }

export interface AuthRequest { method: string; uri: string; body?: Uint8Array }

interface UsableChallenge {
  headerName: AuthHeaderName;
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm: DigestAlgorithm;
  algorithmToken: string | undefined;   // echoed as received (absent stays absent)
  qop?: DigestQop;
  stale: boolean;
  userhash: boolean;
}

const MAX_CACHED_NONCES = 16;

export class DigestAuthenticator {
  private readonly ncByNonce = new Map<string, number>();
  private readonly cached = new Map<string, UsableChallenge>();   // realm -> last accepted challenge

  constructor(
    private readonly credentials: DigestCredentials,
    private readonly makeCnonce: () => string = () => randomBytes(12).toString("base64url"),
  ) {}

  /**
   * Credentials for retrying a request that got 401/407, or null when retrying is pointless
   * (no usable challenge, or the same credentials were already rejected without stale=true).
   * `sent` are the auth headers that were on the challenged request.
   */
  respond(status: number, challengeValues: string[], request: AuthRequest, sent: AuthorizationHeader[] = []): AuthorizationHeader[] | null {
    if (status !== 401 && status !== 407) return null;
    const headerName: AuthHeaderName = status === 401 ? "Authorization" : "Proxy-Authorization";
    const chosen = this.choose(headerName, challengeValues);
    if (chosen.length === 0) return null;
    const out: AuthorizationHeader[] = [];
    for (const ch of chosen) {
      const rejected = sent.some((s) => s.realm === ch.realm && s.name === headerName);
      if (rejected && !ch.stale) return null;
      this.cached.set(`${headerName} ${ch.realm}`, ch);
      out.push(this.build(ch, request));
    }
    return out;
  }

  /** Pre-emptive credentials for a new request towards an already-authenticated realm (nc increments). */
  authorize(request: AuthRequest): AuthorizationHeader[] {
    return [...this.cached.values()].map((ch) => this.build(ch, request));
  }

  private choose(headerName: AuthHeaderName, values: string[]): UsableChallenge[] {
    const byRealm = new Map<string, UsableChallenge>();
    for (const value of values) {
      let challenges: AuthChallenge[];
      try { challenges = parseChallenges(value); } catch { continue; }
      for (const c of challenges) {
        const usable = this.usable(headerName, c);
        if (!usable) continue;
        const prev = byRealm.get(usable.realm);
        if (!prev || rank(usable.algorithm) < rank(prev.algorithm)) byRealm.set(usable.realm, usable);
      }
    }
    return [...byRealm.values()];
  }

  private usable(headerName: AuthHeaderName, c: AuthChallenge): UsableChallenge | null {
    if (c.scheme.toLowerCase() !== "digest") return null;
    const realm = c.params.get("realm");
    const nonce = c.params.get("nonce");
    if (realm === undefined || !nonce) return null;
    if (this.credentials.realm !== undefined && this.credentials.realm !== realm) return null;
    const algorithmToken = c.params.get("algorithm");
    const algorithm = canonicalAlgorithm(algorithmToken);
    if (!algorithm) return null;
    let qop: DigestQop | undefined;
    const offered = c.params.get("qop");
    if (offered !== undefined) {
      const list = offered.split(",").map((q) => q.trim().toLowerCase());
      if (list.includes("auth")) qop = "auth";
      else if (list.includes("auth-int")) qop = "auth-int";
      else return null;
    }
    return {
      headerName, realm, nonce, algorithm, algorithmToken, qop,
      opaque: c.params.get("opaque"),
      stale: c.params.get("stale")?.toLowerCase() === "true",
      userhash: c.params.get("userhash")?.toLowerCase() === "true",
    };
  }

  private nextNc(nonce: string): string {
    const n = (this.ncByNonce.get(nonce) ?? 0) + 1;
    this.ncByNonce.delete(nonce);   // re-insert to keep most recent last
    this.ncByNonce.set(nonce, n);
    while (this.ncByNonce.size > MAX_CACHED_NONCES) this.ncByNonce.delete(this.ncByNonce.keys().next().value!);
    return n.toString(16).padStart(8, "0");
  }

  private build(ch: UsableChallenge, request: AuthRequest): AuthorizationHeader {
    const needsCnonce = ch.qop !== undefined || ch.algorithm.endsWith("-sess");
    const cnonce = needsCnonce ? this.makeCnonce() : undefined;
    const nc = ch.qop ? this.nextNc(ch.nonce) : undefined;
    const response = digestResponse({
      algorithm: ch.algorithm, username: this.credentials.username, password: this.credentials.password,
      realm: ch.realm, nonce: ch.nonce, method: request.method, uri: request.uri,
      qop: ch.qop, nc, cnonce, body: request.body,
    });
    const username = ch.userhash ? hashedUsername(ch.algorithm, this.credentials.username, ch.realm) : this.credentials.username;
    const params: [string, string][] = [
      ["username", username], ["realm", ch.realm], ["nonce", ch.nonce], ["uri", request.uri], ["response", response],
    ];
    if (ch.algorithmToken !== undefined) params.push(["algorithm", ch.algorithm]);
    if (cnonce !== undefined) params.push(["cnonce", cnonce]);
    if (ch.opaque !== undefined) params.push(["opaque", ch.opaque]);
    if (ch.qop) params.push(["qop", ch.qop], ["nc", nc!]);
    if (ch.userhash) params.push(["userhash", "true"]);
    return { name: ch.headerName, value: formatCredentials("Digest", params), realm: ch.realm, nonce: ch.nonce };
  }
}

function rank(a: DigestAlgorithm): number {
  return ALGORITHM_PREFERENCE.indexOf(a);
}
