/**
 * An appliance in the test process, wired like a real box: a caller trunk and a call-center trunk on loopback,
 * one agent with an embed token, free ports everywhere. Plus the sipp call center that names the agent in its 200.
 */
import { afterAll, beforeAll } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import selfsigned from "selfsigned";
import { parseConfigText } from "../../src/config/load.ts";
import { Appliance } from "../../src/main.ts";
import type { Clock } from "../../src/util/clock.ts";
import { freePorts, scenarioDir } from "../interop/sip/sipp.ts";
import { freeTcpPort } from "./free-port.ts";
import { applianceToml } from "./appliance-config.ts";
import { PEERS } from "./peers.ts";
import { tempDir } from "./temp-dir.ts";

export interface SplitHarness {
  appliance: Appliance;
  sipPort: number;
  httpsPort: number;
  /** sipp call-center UAS port (its media port is ccMediaPort). */
  ccPort: number;
  ccMediaPort: number;
  callerPort: number;
  callerMediaPort: number;
  dataDir: string;
  /** The SIP TLS listener, when asked for (sipTls). */
  sipTls?: { port: number; certPath: string };
  agentUrl(agentId: string, token: string): string;
  stop(): Promise<void>;
}

export const AGENTS = [
  { id: "1001", token: "token-of-agent-1001" },
  { id: "1002", token: "token-of-agent-1002" },
];

export interface SplitHarnessOptions {
  mediaTimeoutS?: number; httpExtra?: string[]; recordingMode?: "all" | "on-demand" | "none";
  /** Also listen for SIP over TLS (self-signed certificate for 127.0.0.1). */
  sipTls?: boolean;
  /** Time for the SIP stack's and the sessions' timers (test/support/fast-clock.ts runs them faster). */
  callClock?: Clock;
  /** Extra [sip] lines and another call-center trunk uri (see applianceToml). */
  sipExtra?: string[];
  callCenterUri?: string;
}

export async function startSplitHarness(opts: SplitHarnessOptions = {}): Promise<SplitHarness> {
  const dir = tempDir("avsplit-split-");
  const sipPort = await freePorts(1);
  const ccPort = await freePorts(1);
  const ccMediaPort = await freePorts(4);
  const callerPort = await freePorts(1);
  const callerMediaPort = await freePorts(4);
  const httpsPort = await freeTcpPort();
  // Above the range freePorts() picks the sipp peers' ports from (20000-56000): a port checked free for sipp must
  // not be taken by the appliance's RTP pool before sipp binds it.
  const rtpBase = 57000 + 2 * Math.floor(Math.random() * 3500);
  const sipTls = opts.sipTls ? await selfSignedSipCertificate(dir.path) : undefined;
  const toml = applianceToml({
    sipTls,
    dataDir: `${dir.path}/data`, sipPort, httpsPort, rtpPorts: `${rtpBase}-${rtpBase + 199}`, ccPort, agents: AGENTS, mediaTimeoutS: opts.mediaTimeoutS,
    httpExtra: opts.httpExtra, recordingMode: opts.recordingMode, sipExtra: opts.sipExtra, callCenterUri: opts.callCenterUri,
  });
  const appliance = await Appliance.start(parseConfigText(toml, "split-test.toml"), { callClock: opts.callClock });
  return {
    appliance, sipPort, httpsPort, ccPort, ccMediaPort, callerPort, callerMediaPort, dataDir: `${dir.path}/data`, sipTls,
    agentUrl: (agentId, token) => `https://127.0.0.1:${httpsPort}/agent/?agent=${agentId}#token=${token}`,
    async stop() {
      await appliance.stop(0);
      dir.cleanup();
    },
  };
}

/** A self-signed certificate for 127.0.0.1 (peers that verify can take it as their CA). */
async function selfSignedSipCertificate(dir: string): Promise<{ port: number; certPath: string; keyPath: string }> {
  const pems = await selfsigned.generate([{ name: "commonName", value: "127.0.0.1" }], {
    keySize: 2048, algorithm: "sha256",
    extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
  });
  const certPath = join(dir, "sip-cert.pem");
  const keyPath = join(dir, "sip-key.pem");
  writeFileSync(certPath, pems.cert);
  writeFileSync(keyPath, pems.private);
  return { port: await freeTcpPort(), certPath, keyPath };
}

export interface SplitFixture {
  h: SplitHarness;
  scenarios: { dir: string; cleanup(): void };
}

/** Registers a test file's hooks: an appliance (startSplitHarness) and a private copy of the sipp scenarios; fields set once beforeAll ran. */
export function splitFixture<T extends SplitFixture = SplitFixture>(opts: SplitHarnessOptions = {}): T {
  const fx = {} as T;
  beforeAll(async () => {
    fx.h = await startSplitHarness(opts);
    fx.scenarios = scenarioDir();
  }, 30_000);
  afterAll(async () => {
    await fx.h?.stop();
    fx.scenarios?.cleanup();
  });
  return fx;
}

/** Writes test/interop/split/scenarios/NAME into the scenario folder with @PEERS@ and the given @VARS@ substituted. */
export function splitScenario(scenarioDir: string, name: string, vars: Record<string, string> = {}): string {
  let text = readFileSync(join(import.meta.dir, "../interop/split/scenarios", name), "utf8").replaceAll("@PEERS@", PEERS);
  for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`@${k}@`, v);
  const file = join(scenarioDir, `${Object.values(vars).join("-") || "x"}-${name}`);
  writeFileSync(file, text);
  return file;
}

/** A copy of uas_callcenter.xml whose answers name the agent in X-Agent-Id (the trunk's agent_from rule). */
export function callCenterScenario(scenarioDir: string, agentId: string): string {
  const src = readFileSync(join(scenarioDir, "uas_callcenter.xml"), "utf8");
  const out = src.replaceAll("Contact: <sip:queue@[local_ip]:[local_port];transport=[transport]>", `Contact: <sip:queue@[local_ip]:[local_port];transport=[transport]>\n      X-Agent-Id: ${agentId}`);
  const file = join(scenarioDir, `uas_callcenter_agent${agentId}.xml`);
  writeFileSync(file, out);
  return file;
}
