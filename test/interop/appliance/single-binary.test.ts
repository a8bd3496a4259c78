import { Database } from "bun:sqlite";
import { afterAll, expect, test } from "bun:test";
import { copyFileSync, writeFileSync } from "node:fs";
import { startAppliance } from "../../support/appliance-process.ts";
import { freeTcpPort, freeUdpTcpPort } from "../../support/free-port.ts";
import { tempDir } from "../../support/temp-dir.ts";

const ROOT = `${import.meta.dir}/../../..`;
const dir = tempDir("avsplit-binary-");
afterAll(() => dir.cleanup());

test("the compiled binary runs from any folder: HTTPS health, graceful SIGTERM, intact database", async () => {
  const build = Bun.spawnSync([process.execPath, `${ROOT}/appliance/build.ts`], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  expect(build.exitCode).toBe(0);
  const binary = `${dir.path}/avsplit`;
  copyFileSync(`${ROOT}/dist/avsplit`, binary);
  Bun.spawnSync(["chmod", "+x", binary]);

  const httpsPort = await freeTcpPort();
  const redirectPort = await freeTcpPort();
  const sipPort = await freeUdpTcpPort();
  const config = `${dir.path}/avsplit.toml`;
  writeFileSync(
    config,
    [
      "[node]", `data_dir = "${dir.path}/data"`, "drain_s = 2",
      "[sip]", `listen = ["udp:127.0.0.1:${sipPort}"]`,
      "[http]", `listen = "127.0.0.1:${httpsPort}"`, `redirect_listen = "127.0.0.1:${redirectPort}"`,
    ].join("\n"),
  );
  const app = await startAppliance([binary, "serve", "--config", config], { cwd: dir.path });

  const ca = await Bun.file(`${dir.path}/data/tls/cert.pem`).text();
  const health = await fetch(`https://127.0.0.1:${httpsPort}/healthz`, { tls: { ca } });
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: "ok", state: "ready" });
  const redirect = await fetch(`http://127.0.0.1:${redirectPort}/healthz`, { redirect: "manual" });
  expect(redirect.status).toBe(308);
  expect(redirect.headers.get("location")).toBe(`https://127.0.0.1:${httpsPort}/healthz`);
  const metrics = await (await fetch(`https://127.0.0.1:${httpsPort}/metrics`, { tls: { ca } })).text();
  expect(metrics).toContain("avsplit_up 1");
  expect(metrics).toContain("avsplit_media_thread_up 1"); // the media thread's worker and bun:ffi load in the executable

  const started = performance.now();
  expect(await app.terminate()).toBe(0);
  expect(performance.now() - started).toBeLessThan(2000 + 5000);

  const db = new Database(`${dir.path}/data/avsplit.db`, { readonly: true });
  expect(db.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
  const types = db.query<{ type: string }, []>("SELECT type FROM events ORDER BY seq").all().map((r) => r.type);
  expect(types).toEqual(["appliance.started", "appliance.stopped"]);
  db.close();
}, 60_000);
