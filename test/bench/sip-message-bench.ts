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
400/416/505 by the transport; those parsed values are handed to the first accessor call, so the realistic row
(parse + the accessors the transaction and dialog layers read + serialize) costs about the same as parse+serialize.
Serializing a message that was not changed since it was received copies the received bytes: the parser keeps
them when they are exactly what serialize() writes (header names as SipHeaders spells them, \`Name: value\` CRLF
lines without folding, one Content-Length equal to the body length, valid UTF-8); any header edit, a new body, a
changed method, Request-URI, status or reason makes serialize() format the message from its values again.

Where the parse+serialize time goes (CPU profile, 2026-11-26): validation ≈ 38% (Contact ≈ 14%, From and To
≈ 9%, top Via ≈ 8%: URIs, name-addrs and their parameters built into the objects the accessors hand out),
splitting the 30 header lines ≈ 21% (≈ 60 ns a line: three native indexOf for LF, CR and colon, the name lookup,
one slice), Request-URI ≈ 6%, the one copy of the datagram (body and re-sendable head) ≈ 6%, UTF-8 decoding of
the head ≈ 5%, serialize ≈ 2% (it was ≈ 23% when it re-encoded the header text). Done for this: serialize
re-sends the received bytes (above); header and common parameter names (tag, branch, lr, transport, the IMS
feature tags ...) are recognised in place without slicing or hashing; \`%\`-decoding, scheme and host checks
without intermediate strings; quoted strings found with indexOf; no per-line rescans (each search starts where
the last ended, so bare-LF input stays linear); CSeq, Max-Forwards and Content-Length read without regexes.
What is left is spread thin (no single function above ≈ 15% self time); the next steps would be building the
validated objects lazily from scanned offsets, or a native (Zig/C) header splitter. Against the code before this
work, alternating rounds in one process (so both see the same load): parse+serialize ≈ 1.35× faster, parse alone
≈ 1.15×. Absolute rates on this VM swing by about ±20% from run to run with load on the host that the load average
inside does not show: the same code measured 75k–107k msgs/s for parse+serialize within one hour (2026-11-26).

## Fuzz (\`bun test/bench/sip-fuzz.ts\`; the unit suite runs 20k cases)

Mutations of the VoLTE INVITE (byte flips, truncation, syntax-significant snippets, huge headers, bad
Content-Length, random bytes, duplicated/dropped lines, header floods, structural-byte swaps, random datagrams),
each run through frameLength, parseMessage, serialize, every accessor, createResponse and parseMultipart.

${fuzz.out.trim()}
`,
);
process.exit(parses.every((p) => p.ok) && fuzz.ok ? 0 : 1);
