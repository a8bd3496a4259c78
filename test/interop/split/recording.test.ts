/**
 * Recording end to end: a sipp VoLTE caller (PCMU tone + H.264 pcap) calls through the split; the caller's audio and
 * video land in one Matroska file that ffprobe reads with both streams and the call's duration, ffmpeg decodes
 * cleanly, the file's SHA-256 is in media_files and the start/stop are audited. Mode "all" records from answer to end;
 * mode "on-demand" records what the REST API asks for, between its start and stop. A caller speaking AMR-WB (as VoLTE
 * phones do) is recorded too: the test sends its AMR-WB RTP (sipp cannot packetize AMR) while sipp plays the video.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { createHash } from "node:crypto";
import { unzipSync } from "fflate";
import { createSocket } from "node:dgram";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RtpPacket } from "../../../src/media/rtp/index.ts";
import { ApiTokenRepository } from "../../../src/store/api-tokens.ts";
import { verifyEvidenceBytes } from "../../../src/store/evidence-verify.ts";
import { UserRepository } from "../../../src/store/users.ts";
import { amrFrame, bandwidthEfficient } from "../../support/amr-payloads.ts";
import { pollUntil } from "../../support/poll.ts";
import { AGENTS, callCenterScenario, splitFixture, splitScenario, type SplitFixture, type SplitHarness } from "../../support/split-harness.ts";
import { startSipp } from "../sip/sipp.ts";

const FFPROBE = Bun.which("ffprobe");
const FFMPEG = Bun.which("ffmpeg");

interface RecordingRow { id: string; path: string; mime: string; bytes: number; sha256: string }

function call(h: SplitHarness, dir: string, holdMs: number, callerScenario = "uac_av_media.xml", ccScenario = callCenterScenario(dir, "1001")) {
  const cc = startSipp(dir, ["-sf", ccScenario, "-i", "127.0.0.1", "-p", String(h.ccPort), "-mi", "127.0.0.1", "-mp", String(h.ccMediaPort), "-rtp_echo", "-m", "1"], 40);
  const caller = startSipp(dir, [
    "-sf", callerScenario, "-s", "110", "-i", "127.0.0.1", "-p", String(h.callerPort), "-mi", "127.0.0.1", "-mp", String(h.callerMediaPort),
    `127.0.0.1:${h.sipPort}`, "-m", "1", "-d", String(holdMs),
  ], 40);
  return Promise.all([caller.done, cc.done]);
}

const G711_AUDIO = /m=audio \[media_port\] RTP\/AVP 0 8 101\s*a=rtpmap:0 PCMU\/8000\s*a=rtpmap:8 PCMA\/8000\s*a=rtpmap:101 telephone-event\/8000\s*a=fmtp:101 0-15/g;
const AMR_WB_AUDIO = [
  "m=audio [media_port] RTP/AVP 116 111",
  "a=rtpmap:116 AMR-WB/16000/1", "a=fmtp:116 mode-change-capability=2;max-red=0",
  "a=rtpmap:111 telephone-event/16000", "a=fmtp:111 0-15",
].join("\n      ");

function replaceAll(text: string, pattern: RegExp | string, by: string, what: string): string {
  const out = text.replaceAll(pattern, by);
  if (out === text) throw new Error(`scenario has no ${what} to replace`);
  return out;
}

/** The shared uac_av_media.xml offering AMR-WB instead of G.711, without its G.711 stream; writes the answer's audio port to `portFile`. */
function amrWbCallerScenario(dir: string, portFile: string): string {
  let text = readFileSync(join(dir, "uac_av_media.xml"), "utf8");
  text = replaceAll(text, G711_AUDIO, AMR_WB_AUDIO, "G.711 audio offer");
  text = replaceAll(text, /<exec rtp_stream="[^"]*,-1,0"\/>/g, "", "rtp_stream");
  text = replaceAll(text, /<nop>\s*<action>\s*<exec rtp_stream="pause"\/>\s*<\/action>\s*<\/nop>/g, "", "rtp_stream pause");
  text = replaceAll(text, '<recv response="200" rtd="true" rrs="true"/>', `<recv response="200" rtd="true" rrs="true">
    <action>
      <ereg regexp="m=audio [0-9]+" search_in="body" check_it="true" assign_to="audio"/>
      <exec command="echo [$audio] > ${portFile}"/>
    </action>
  </recv>`, "200 OK receive");
  const file = join(dir, "uac_amrwb_av_media.xml");
  writeFileSync(file, text);
  return file;
}

/** The call-center UAS (agent 1001) answering AMR-WB. */
function amrWbCallCenterScenario(dir: string): string {
  const file = callCenterScenario(dir, "1001");
  writeFileSync(file, replaceAll(readFileSync(file, "utf8"), G711_AUDIO, AMR_WB_AUDIO, "G.711 audio answer"));
  return file;
}

/** `count` AMR-WB 23.85 kbit/s packets, one frame each, paced at 20 ms on an absolute schedule, to 127.0.0.1:`port`. */
async function sendAmrWb(port: number, count: number): Promise<void> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const ts0 = 2 ** 32 - 320 * 100; // the RTP timestamp wraps after 2 s
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(count, Math.floor((performance.now() - start) / 20) + 1);
      for (; sent < due; sent++) {
        const payload = bandwidthEfficient([amrFrame(true, 8, sent)], 8);
        socket.send(new RtpPacket({ payloadType: 116, sequenceNumber: (0xff00 + sent) & 0xffff, timestamp: (ts0 + sent * 320) >>> 0, ssrc: 0x5eed }, payload).serialize(), port, "127.0.0.1");
      }
      if (sent === count) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  socket.close();
}

function connectedSession(h: SplitHarness) {
  return pollUntil(() => Promise.resolve(h.appliance.sessions!.list()[0]), (s) => s?.state === "connected", 15_000, "the call to connect");
}

function query<T>(h: SplitHarness, sql: string, ...args: string[]): T[] {
  const db = new Database(`${h.dataDir}/avsplit.db`, { readonly: true });
  try {
    return db.query<T, string[]>(sql).all(...args);
  } finally {
    db.close();
  }
}

const recordingsOf = (h: SplitHarness, sessionId: string) =>
  query<RecordingRow>(h, "SELECT id, path, mime, bytes, sha256 FROM media_files WHERE session_id = ? AND kind = 'recording' AND deleted_at IS NULL ORDER BY created_at", sessionId);

interface RecordingApi {
  set(sessionId: string, on: boolean): Promise<Response>;
  evidence(sessionId: string): Promise<Uint8Array>;
}

/** The REST API as admin "sup" with an API token: recording on/off, the evidence package unzipped. */
async function recordingApi(h: SplitHarness): Promise<RecordingApi> {
  const user = await new UserRepository(h.appliance.store.db).add({ username: "sup", password: "a long enough password", role: "admin" });
  const token = new ApiTokenRepository(h.appliance.store.sqlite).create(user.id);
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`https://127.0.0.1:${h.httpsPort}/api/v1/sessions/${path}`, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, tls: { rejectUnauthorized: false } });
  return {
    set: (sessionId, on) => api(`${encodeURIComponent(sessionId)}/recording`, { method: "POST", body: JSON.stringify({ on }) }),
    evidence: async (sessionId) => new Uint8Array(await (await api(`${encodeURIComponent(sessionId)}/evidence.zip`)).arrayBuffer()),
  };
}

type ServerMessage = { type: string; session: { id: string; recording: boolean }; message?: string };

/** The agent widget's socket, as an embedded widget opens it (agent id + token in its hello). */
async function agentSocket(h: SplitHarness, agent: { id: string; token: string }) {
  const ws = new WebSocket(`wss://127.0.0.1:${h.httpsPort}/agent/ws`, { tls: { rejectUnauthorized: false } } as unknown as string[]);
  const received: ServerMessage[] = [];
  ws.onmessage = (e) => received.push(JSON.parse(String(e.data)));
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  const send = (m: unknown) => ws.send(JSON.stringify(m));
  const next = async (match: (m: ServerMessage) => boolean) => {
    const found = await pollUntil(() => Promise.resolve(received.find(match)), (m) => m !== undefined, 10_000, "an agent socket message");
    return found!;
  };
  send({ type: "hello", agent: agent.id, token: agent.token });
  await next((m) => m.type === "welcome");
  return { send, next, close: () => ws.close() };
}

const recordingEvents = (h: SplitHarness, sessionId: string) =>
  query<{ type: string; actor: string; data: string }>(h, "SELECT type, actor, data FROM events WHERE session_id = ? AND type LIKE 'recording.%' ORDER BY seq", sessionId);

function probe(file: string) {
  const r = Bun.spawnSync([FFPROBE!, "-v", "error", "-show_entries", "format=duration:stream=codec_type,codec_name,width,height", "-of", "json", file]);
  expect(r.stderr.toString()).toBe("");
  const info = JSON.parse(r.stdout.toString());
  return { durationS: Number(info.format.duration), streams: info.streams as { codec_type: string; codec_name: string; width?: number }[] };
}

function expectDecodesCleanly(file: string) {
  const r = Bun.spawnSync([FFMPEG!, "-v", "error", "-i", file, "-f", "null", "-"]);
  expect(r.stderr.toString()).toBe("");
  expect(r.exitCode).toBe(0);
}

/** The file as stored, its checksum as recorded, its streams as ffprobe sees them (video: the capture's 352x288). */
function checkStored(h: SplitHarness, row: RecordingRow, streams = ["audio:pcm_s16le", "video:h264"]) {
  const file = join(h.dataDir, row.path);
  const bytes = readFileSync(file);
  expect(row.mime).toBe("video/x-matroska");
  expect(bytes.length).toBe(row.bytes);
  expect(createHash("sha256").update(bytes).digest("hex")).toBe(row.sha256);
  const info = probe(file);
  expect(info.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual(streams);
  for (const s of info.streams) if (s.codec_type === "video") expect(s.width).toBe(352);
  expectDecodesCleanly(file);
  return { file, durationS: info.durationS };
}

/** An appliance in the given recording mode, sipp scenarios and the REST API client, for one describe block. */
function recordingFixture(mode: "all" | "on-demand") {
  const fx = splitFixture<SplitFixture & { api: RecordingApi }>({ recordingMode: mode });
  beforeAll(async () => {
    fx.api = await recordingApi(fx.h);
  });
  return fx;
}

describe.skipIf(!FFPROBE || !FFMPEG)("recording", () => {
  describe('mode "all"', () => {
    const fx = recordingFixture("all");

    test("a split call is recorded from answer to end (stopping is refused): audio + video, the call's duration, checksum, audit, evidence package", async () => {
      const done = call(fx.h, fx.scenarios.dir, 6000);
      const session = await connectedSession(fx.h);
      expect(session.isRecording).toBe(true);
      const refused = await fx.api.set(session.id, false);
      expect(refused.status).toBe(409);
      expect((await refused.json()).error).toContain("mode all");
      const [caller, cc] = await done;
      expect(caller.code, caller.logs).toBe(0);
      expect(cc.code, cc.logs).toBe(0);
      const [row] = await pollUntil(() => Promise.resolve(recordingsOf(fx.h, session.id)), (r) => r.length === 1, 10_000, "the recording row");
      const { durationS } = checkStored(fx.h, row);
      const [s] = query<{ answered_at: number; ended_at: number }>(fx.h, "SELECT answered_at, ended_at FROM sessions WHERE id = ?", session.id);
      const callS = (s.ended_at - s.answered_at) / 1000;
      expect(Math.abs(durationS - callS)).toBeLessThan(1);
      expect(Math.abs(durationS - 6)).toBeLessThan(1);

      const audit = recordingEvents(fx.h, session.id);
      expect(audit.map((e) => `${e.type} ${e.actor}`)).toEqual(["recording.started system", "recording.stopped system"]);
      expect(JSON.parse(audit[1].data)).toMatchObject({ fileId: row.id, sha256: row.sha256, bytes: row.bytes, reason: "session ended (caller)" });

      const zipBytes = await fx.api.evidence(session.id);
      expect((await verifyEvidenceBytes(zipBytes)).ok).toBe(true);
      const zip = unzipSync(zipBytes);
      const manifest = JSON.parse(new TextDecoder().decode(zip["manifest.json"]));
      expect(manifest.media).toEqual([{ id: row.id, kind: "recording", name: `media/recording-${row.id}.mkv`, recorded_sha256: row.sha256 }]);
      expect(createHash("sha256").update(zip[`media/recording-${row.id}.mkv`]).digest("hex")).toBe(row.sha256);
    }, 60_000);

    test("110 flow: video added and removed during the call: the recording goes on in a new file at each change", async () => {
      const agent = await agentSocket(fx.h, AGENTS[0]);
      try {
        const done = call(fx.h, fx.scenarios.dir, 2000, splitScenario(fx.scenarios.dir, "uac_audio_accepts_video.xml"));
        const session = await connectedSession(fx.h);
        await pollUntil(() => Promise.resolve(session.mediaStats().callerAudio.rx.packets), (n) => n > 50, 10_000, "the caller's audio");
        agent.send({ type: "video", sessionId: session.id, on: true });
        await pollUntil(() => Promise.resolve(session.mediaStats().callerVideo?.rx.packets ?? 0), (n) => n > 200, 15_000, "the caller's video");
        agent.send({ type: "video", sessionId: session.id, on: false });
        const [caller, cc] = await done;
        expect(caller.code, caller.logs).toBe(0);
        expect(cc.code, cc.logs).toBe(0);
        const rows = await pollUntil(() => Promise.resolve(recordingsOf(fx.h, session.id)), (r) => r.length === 3, 10_000, "three recordings");
        checkStored(fx.h, rows[0], ["audio:pcm_s16le"]);
        checkStored(fx.h, rows[1]);
        checkStored(fx.h, rows[2], ["audio:pcm_s16le"]);
        const stops = recordingEvents(fx.h, session.id).filter((e) => e.type === "recording.stopped").map((e) => JSON.parse(e.data).reason);
        expect(stops).toEqual(["media changed", "media changed", "session ended (caller)"]);
      } finally {
        agent.close();
      }
    }, 60_000);

    test("an AMR-WB + H.264 caller (call center answers AMR-WB): amr_wb + h264 in one file, every sent frame, the call's duration", async () => {
      const portFile = join(fx.scenarios.dir, "caller-audio-port");
      const done = call(fx.h, fx.scenarios.dir, 7000, amrWbCallerScenario(fx.scenarios.dir, portFile), amrWbCallCenterScenario(fx.scenarios.dir));
      const port = await pollUntil(() => Promise.resolve(existsSync(portFile) ? Number(/m=audio (\d+)/.exec(readFileSync(portFile, "utf8"))?.[1] ?? 0) : 0), (p) => p > 0, 15_000, "the answer's audio port")
        .catch(async (err) => {
          throw new Error(`${(err as Error).message}\n${(await done).map((r) => r.logs).join("\n")}`);
        });
      const session = await connectedSession(fx.h);
      const packets = 250;
      await sendAmrWb(port, packets);
      const [caller, cc] = await done;
      expect(caller.code, caller.logs).toBe(0);
      expect(cc.code, cc.logs).toBe(0);
      const [row] = await pollUntil(() => Promise.resolve(recordingsOf(fx.h, session.id)), (r) => r.length === 1, 10_000, "the recording row");
      const { file, durationS } = checkStored(fx.h, row, ["audio:amr_wb", "video:h264"]);
      const [s] = query<{ answered_at: number; ended_at: number }>(fx.h, "SELECT answered_at, ended_at FROM sessions WHERE id = ?", session.id);
      expect(Math.abs(durationS - (s.ended_at - s.answered_at) / 1000)).toBeLessThan(1);
      const pcm = Bun.spawnSync([FFMPEG!, "-v", "error", "-i", file, "-map", "0:a", "-f", "s16le", "-"]);
      expect(pcm.stdout.length / 2).toBe(packets * 320);
      const stopped = recordingEvents(fx.h, session.id).find((e) => e.type === "recording.stopped")!;
      expect(JSON.parse(stopped.data)).toMatchObject({ audioFrames: packets, skipped: [] });
    }, 60_000);
  });

  describe('mode "on-demand"', () => {
    const fx = recordingFixture("on-demand");

    test("nothing is recorded until asked: the agent starts it on its socket, the REST API stops it; both audited; the file spans them", async () => {
      const agent = await agentSocket(fx.h, AGENTS[0]);
      try {
        const done = call(fx.h, fx.scenarios.dir, 7000);
        const session = await connectedSession(fx.h);
        expect(session.isRecording).toBe(false);
        await pollUntil(() => Promise.resolve(session.mediaStats().callerAudio.rx.packets), (n) => n > 50, 10_000, "the caller's media to flow");
        agent.send({ type: "record", sessionId: session.id, on: true });
        const view = await agent.next((m) => m.type === "session" && m.session.recording === true);
        const startedAt = Date.now();
        expect(view.session.id).toBe(session.id);
        await Bun.sleep(3000); // the span to record
        const stopped = await fx.api.set(session.id, false);
        const stoppedAt = Date.now();
        expect(await stopped.json()).toEqual({ recording: false });
        expect((await fx.api.set("no-such-session", true)).status).toBe(404);
        const [caller, cc] = await done;
        expect(caller.code, caller.logs).toBe(0);
        expect(cc.code, cc.logs).toBe(0);

        const [row] = await pollUntil(() => Promise.resolve(recordingsOf(fx.h, session.id)), (r) => r.length === 1, 10_000, "the recording row");
        const { durationS } = checkStored(fx.h, row);
        expect(Math.abs(durationS - (stoppedAt - startedAt) / 1000)).toBeLessThan(1);
        const audit = recordingEvents(fx.h, session.id);
        expect(audit.map((e) => `${e.type} ${e.actor}`)).toEqual(["recording.started agent:1001", "recording.stopped user:sup"]);
        expect(JSON.parse(audit[1].data)).toMatchObject({ reason: "stopped" });
      } finally {
        agent.close();
      }
    }, 60_000);
  });
});
