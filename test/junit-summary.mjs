// Reads bun --reporter=junit files (node, no dependencies).
//   node test/junit-summary.mjs counts FIRST [RETRY]  -> "<passed> <failed>": per test file, the RETRY run's result
//                                                        replaces the FIRST run's for the files it ran
//   node test/junit-summary.mjs failed-files FIRST   -> the test files with a failure or an error, one per line
import { readFileSync } from "node:fs";

/** Per top-level <testsuite> (one per test file): tests, failures (+errors), skipped. */
function perFile(path) {
  const xml = readFileSync(path, "utf8");
  const files = new Map();
  let depth = 0;
  for (const m of xml.matchAll(/<(\/?)testsuite\b([^>]*?)(\/?)>/g)) {
    if (m[1]) { depth--; continue; }
    if (depth === 0) {
      const attr = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(m[2])?.[1] ?? 0);
      const file = /\bfile="([^"]*)"/.exec(m[2])?.[1] ?? /\bname="([^"]*)"/.exec(m[2])?.[1];
      files.set(file, { tests: attr("tests"), failed: attr("failures") + attr("errors"), skipped: attr("skipped") });
    }
    if (!m[3]) depth++;
  }
  return files;
}

const [mode, first, retry] = process.argv.slice(2);
const files = perFile(first);
if (mode === "failed-files") {
  for (const [file, r] of files) if (r.failed > 0) console.log(file);
} else {
  if (retry) for (const [file, r] of perFile(retry)) files.set(file, r);
  let passed = 0, failed = 0;
  for (const r of files.values()) { passed += r.tests - r.failed - r.skipped; failed += r.failed; }
  console.log(`${passed} ${failed}`);
}
