/**
 * WWW-Authenticate / Proxy-Authenticate parsing and Authorization / Proxy-Authorization formatting
 * (RFC 3261 §25 auth grammar, RFC 7616 §3.3/§3.4).
 */

export class AuthHeaderError extends Error {
  readonly code = "bad-auth-header";
}

export interface AuthChallenge {
  scheme: string;                       // "Digest" (case kept as received)
  params: Map<string, string>;          // lower-cased names, unquoted values
}

const TOKEN = /[A-Za-z0-9\-.!%*_+`'~]/;
const MAX_PARAMS = 32;

/**
 * One header value may carry several challenges ("Digest a=1, Digest b=2") and a parameter list
 * separated by commas; a bare token not followed by "=" starts the next challenge.
 */
export function parseChallenges(value: string): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  let i = 0;
  const skipWs = () => { while (i < value.length && /[ \t\r\n]/.test(value[i])) i++; };
  const readToken = (): string => {
    const start = i;
    while (i < value.length && TOKEN.test(value[i])) i++;
    return value.slice(start, i);
  };
  const readQuoted = (): string => {
    i++; // opening quote
    let s = "";
    while (i < value.length && value[i] !== '"') {
      if (value[i] === "\\" && i + 1 < value.length) i++;
      s += value[i++];
    }
    if (i >= value.length) throw new AuthHeaderError("unterminated quoted string");
    i++;
    return s;
  };

  let current: AuthChallenge | null = null;
  while (true) {
    skipWs();
    while (value[i] === ",") { i++; skipWs(); }
    if (i >= value.length) break;
    const token = readToken();
    if (!token) throw new AuthHeaderError(`unexpected character ${JSON.stringify(value[i])}`);
    skipWs();
    if (value[i] === "=") {
      if (!current) throw new AuthHeaderError("parameter before scheme");
      i++;
      skipWs();
      const v = value[i] === '"' ? readQuoted() : readToken();
      if (current.params.size >= MAX_PARAMS) throw new AuthHeaderError("too many parameters");
      current.params.set(token.toLowerCase(), v);
    } else {
      current = { scheme: token, params: new Map() };
      out.push(current);
    }
  }
  return out;
}

/** Quote per RFC 3261 quoted-string (escape " and \). */
function quote(v: string): string {
  return `"${v.replace(/[\\"]/g, (c) => "\\" + c)}"`;
}

/** Parameters that RFC 7616 §3.4 sends as tokens rather than quoted strings. */
const UNQUOTED = new Set(["algorithm", "qop", "nc", "userhash", "stale"]);

export function formatCredentials(scheme: string, params: [string, string][]): string {
  return `${scheme} ` + params.map(([k, v]) => `${k}=${UNQUOTED.has(k) ? v : quote(v)}`).join(", ");
}
