/**
 * `npm run bench`: runs every benchmark script (test/bench/*-bench.ts), each of which writes docs/bench/<name>.md,
 * then assembles docs/benchmarks.md from those sections. `npm run bench -- --assemble` only assembles; a name
 * (`npm run bench -- relay`) runs the matching benches only.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";

const ROOT = `${import.meta.dir}/../..`;
const args = process.argv.slice(2);
const assembleOnly = args.includes("--assemble");
const only = args.filter((a) => !a.startsWith("--"));
const benches = assembleOnly ? [] : readdirSync(import.meta.dir).filter((f) => f.endsWith("-bench.ts") && (!only.length || only.some((o) => f.includes(o))));
let failed = 0;
for (const file of benches) {
  console.log(`== ${file}`);
  const r = Bun.spawnSync([process.execPath, `${import.meta.dir}/${file}`], { cwd: ROOT, stdout: "inherit", stderr: "inherit" });
  if (r.exitCode !== 0) { failed++; console.error(`${file} failed (exit ${r.exitCode})`); }
}
const sections = readdirSync(`${ROOT}/docs/bench`).filter((f) => f.endsWith(".md")).sort();
writeFileSync(
  `${ROOT}/docs/benchmarks.md`,
  "# Benchmarks\n\nWritten by `npm run bench` from the sections in docs/bench/ (each names its machine and date).\n\n" +
    sections.map((f) => readFileSync(`${ROOT}/docs/bench/${f}`, "utf8").trim()).join("\n\n") + "\n",
);
process.exit(failed ? 1 : 0);
