/** `npm run build`: one self-contained executable, dist/avsplit, with migrations and admin-ui assets embedded. */
import { statSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const outfile = join(root, "dist/avsplit");
const result = await Bun.build({
  // A worker is its own entrypoint: the executable must carry it (src/store/wal-checkpointer.ts, src/media/thread/media-thread.ts).
  entrypoints: [join(root, "src/cli.ts"), join(root, "src/store/wal-checkpoint-worker.ts"), join(root, "src/media/thread/media-worker.ts")],
  compile: { outfile },
  minify: true,
  target: "bun",
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
console.log(`built ${outfile} (${(statSync(outfile).size / 1024 / 1024).toFixed(1)} MiB)`);
