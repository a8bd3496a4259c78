// Prints "<passed> <failed>" from a bun --reporter=junit file (node: no dependencies needed).
import { readFileSync } from "node:fs";

const xml = readFileSync(process.argv[2], "utf8");
const attr = (tag, name) => {
  const m = new RegExp(`<${tag}\\b[^>]*\\b${name}="(\\d+)"`).exec(xml);
  return m ? Number(m[1]) : 0;
};
const tests = attr("testsuites", "tests");
const failures = attr("testsuites", "failures") + attr("testsuites", "errors");
const skipped = attr("testsuites", "skipped");
console.log(`${tests - failures - skipped} ${failures}`);
