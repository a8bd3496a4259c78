/**
 * `npm run bench` entry for the SIP message layer: runs sip-parse.ts (parse/serialize rate of the VoLTE INVITE)
 * and sip-fuzz.ts (1M mutated INVITEs, FUZZ_CASES to change), then writes docs/bench/sip-message.md.
 */
import { writeFileSync } from "node:fs";
import { machineLine } from "./machine.ts";

const ROOT = `${import.meta.dir}/../..`;

function run(script: string): { out: string; ok: boolean } {
  const r = Bun.spawnSync([process.execPath, `${import.meta.dir}/${script}`], { cwd: ROOT, stdout: "pipe", stderr: "inherit" });
  const out = r.stdout.toString();
  process.stdout.write(out);
  return { out, ok: r.exitCode === 0 };
}

const parse = run("sip-parse.ts");
const fuzz = run("sip-fuzz.ts");
const row = /\| parse \+ serialize \| ([\d,]+) \|/.exec(parse.out);
const rate = row ? Number(row[1].replace(/,/g, "")) : 0;

writeFileSync(
  `${ROOT}/docs/bench/sip-message.md`,
  `# SIP message layer (src/sip/message) — parse/serialize rate and fuzz

${machineLine()}. Rates are per CPU-second of the benchmark process (best of several rounds), so other load
on the box inflates them less than wall-clock rates would, but does not vanish (SMT and cache contention).

## Parse + serialize of the VoLTE video INVITE (\`bun test/bench/sip-parse.ts\`)

${parse.out.trim()}

Goal ≥ 100k msgs/s for parse+serialize: **${rate >= 100_000 ? "met" : "not met"}** (${rate.toLocaleString("en")}).
Parsing validates eagerly what every layer relies on (Request-URI, top Via, From, To, Contact, CSeq and its method,
Call-ID, Max-Forwards, Expires, single-instance headers, Content-Length) so that malformed requests are answered
400/416/505 by the transport; those parsed values are handed to the first accessor call, so the realistic row
(parse + the accessors the transaction and dialog layers read + serialize) costs about the same as parse+serialize.
Serialization re-encodes the header text (~1.2 KB here), which dominates its cost.

Analysis (2026-11-26, this 2-core VM at load average 10–13 from other builds/tests): parse+serialize measured
≈ 50–67k/s across runs. CPU-time microbenchmarks of the pieces: splitting 40 header lines ≈ 2.2 µs, UTF-8 decode + framing
≈ 0.5 µs, eager validation ≈ 5 µs, body copy ≈ 0.3 µs, serialize ≈ 2.7 µs (a bare \`Buffer.from\` of the 1.2 KB
header string alone ≈ 1.8 µs). An experiment with validation switched off gave parse ≈ 6–7 µs and
parse+serialize ≈ 11–13 µs (78–93k/s) on the same box, so dropping validation would not reach the goal here
either, while costing the 400/505/416 answers RFC 4475 asks for. Done: known header names resolved in place
(no slice/lowercase), index-arithmetic line splitting, one \`Buffer.write\` for serialization, the received
Request-URI text reused until \`uri\` is touched, JIT regex class scans for URI characters, no allocation for
lowercase parameter names, only the top Via parsed eagerly. Re-run on a quiet machine for a clean figure.

## Fuzz (\`bun test/bench/sip-fuzz.ts\`; the unit suite runs 20k cases)

Mutations of the VoLTE INVITE (byte flips, truncation, syntax-significant snippets, huge headers, bad
Content-Length, random bytes, duplicated/dropped lines, header floods, structural-byte swaps, random datagrams),
each run through frameLength, parseMessage, serialize, every accessor, createResponse and parseMultipart.

${fuzz.out.trim()}
`,
);
process.exit(parse.ok && fuzz.ok ? 0 : 1);
