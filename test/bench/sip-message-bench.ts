/**
 * `npm run bench` entry for the SIP message layer: runs sip-parse.ts (parse/serialize rate of the VoLTE INVITE)
 * PARSE_RUNS times (default 3; the box is shared, so one run can be unlucky) and sip-fuzz.ts (1M mutated
 * INVITEs, FUZZ_CASES to change), then writes docs/bench/sip-message.md.
 */
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { machineLine } from "./machine.ts";

const ROOT = `${import.meta.dir}/../..`;
const PARSE_RUNS = Number(process.env.PARSE_RUNS ?? 3);

function run(script: string): { out: string; ok: boolean } {
  const r = Bun.spawnSync([process.execPath, `${import.meta.dir}/${script}`], { cwd: ROOT, stdout: "pipe", stderr: "inherit" });
  const out = r.stdout.toString();
  process.stdout.write(out);
  return { out, ok: r.exitCode === 0 };
}

const parseRate = (out: string) => Number(/\| parse \+ serialize \| ([\d,]+) \|/.exec(out)?.[1].replace(/,/g, "") ?? 0);
const fmt = (n: number) => Math.round(n).toLocaleString("en");

const loadBefore = loadavg()[0];
const parses = Array.from({ length: PARSE_RUNS }, () => run("sip-parse.ts"));
const loadAfter = loadavg()[0];
const rates = parses.map((p) => parseRate(p.out));
const sorted = [...rates].sort((a, b) => a - b);
const best = sorted[sorted.length - 1];
const median = sorted[Math.floor(sorted.length / 2)];
const bestRun = parses[rates.indexOf(best)];
const fuzz = run("sip-fuzz.ts");
const verdict = median >= 100_000 ? "met" : best >= 100_000 ? "met in the best run, not in the median" : "not met";

writeFileSync(
  `${ROOT}/docs/bench/sip-message.md`,
  `# SIP message layer (src/sip/message) — parse/serialize rate and fuzz

${machineLine()}. Rates are per CPU-second of the benchmark process (best of several rounds), so other load
on the box inflates them less than wall-clock rates would, but does not vanish (SMT and cache contention).

## Parse + serialize of the VoLTE video INVITE (\`bun test/bench/sip-parse.ts\`)

${PARSE_RUNS} runs of sip-parse.ts on the shared box (1-minute load average ${loadBefore.toFixed(1)} before,
${loadAfter.toFixed(1)} after); parse + serialize per run: ${rates.map(fmt).join(", ")} msgs/s. The table is the best run:

${bestRun.out.trim()}

Goal ≥ 100k msgs/s for parse+serialize: **${verdict}** (best ${fmt(best)}, median ${fmt(median)}).
Parsing validates eagerly what every layer relies on (Request-URI, top Via, From, To, Contact, CSeq and its method,
Call-ID, Max-Forwards, Expires, single-instance headers, Content-Length) so that malformed requests are answered
400/416/505 by the transport. Via, From, To and Contact (with the URIs and parameters in them) are only checked
at parse time, by the same code as their accessors run but without building anything (no strings sliced, no maps
filled; a unit test holds the check and the parser to the same verdict and error on mutated input); the accessors
build the values when called. So the realistic row (parse + the accessors the transaction and dialog layers read
+ serialize) pays for the check and the build, and is below parse+serialize.
Serializing a message that was not changed since it was received copies the received bytes: the parser keeps
them when they are exactly what serialize() writes (header names as SipHeaders spells them, \`Name: value\` CRLF
lines without folding, one Content-Length equal to the body length, valid UTF-8); any header edit, a new body, a
changed method, Request-URI, status or reason makes serialize() format the message from its values again.

Where the parse+serialize time goes (CPU profile, 2026-11-26, after the changes below): splitting the 30 header
lines ≈ 27% (three native indexOf for LF, CR and colon, the name lookup, one slice a line), checking top Via,
From, To and Contact ≈ 26%, Request-URI ≈ 8%, UTF-8 decoding of the head ≈ 4%, the one copy of the datagram ≈ 3%,
serialize ≈ 1%. Done for this (2026-11-26, second pass): the parse-time checks build nothing (before, they built
the URI, name-addr and parameter objects and handed them to the first accessor call: ≈ 38% of the time); a
Uint8Array is searched and decoded with Buffer's methods directly instead of being wrapped in a Buffer (reading
\`.buffer\` of a typed array costs JSC an ArrayBuffer object); the bare-LF blank line is looked for by a backward
search bounded by the CRLFCRLF (no subarray unless there is one); a datagram that is exactly one message is
copied without a subarray; SipHeaders count/getAll/joined find lines with the native Array indexOf (a JS loop of
string comparisons cost ≈ 75 ns a lookup over 30 lines). Tried and dropped (no gain above the noise): building
the body view or the Request-URI only when first read. First pass: serialize re-sends the received bytes (above); header and common
parameter names (tag, branch, lr, transport, the IMS feature tags ...) are recognised in place without slicing
or hashing; \`%\`-decoding, scheme and host checks without intermediate strings; quoted strings found with
indexOf; no per-line rescans (bare-LF input stays linear); CSeq, Max-Forwards and Content-Length read without
regexes. Against the code before the second pass, alternating rounds in one process (so both see the same load):
parse+serialize ≈ 1.23–1.29× faster, parse alone ≈ 1.25×, parse + accessors + serialize ≈ 0.91–0.94× (the
accessors now build what the parser only checked). Absolute rates on this VM swing by about ±20% from run to run
with load on the host that the load average inside does not show: three invocations of this benchmark after the
second pass (2026-11-26, load average 1.3–3.5) gave medians of 108.7k, 96.4k and 105.3k msgs/s for parse+serialize,
6 of the 9 runs ≥ 100k (94.6k–115.9k).

## Fuzz (\`bun test/bench/sip-fuzz.ts\`; the unit suite runs 20k cases)

Mutations of the VoLTE INVITE (byte flips, truncation, syntax-significant snippets, huge headers, bad
Content-Length, random bytes, duplicated/dropped lines, header floods, structural-byte swaps, random datagrams),
each run through frameLength, parseMessage, serialize, every accessor, createResponse and parseMultipart.

${fuzz.out.trim()}
`,
);
process.exit(parses.every((p) => p.ok) && fuzz.ok ? 0 : 1);
