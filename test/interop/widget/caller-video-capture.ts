/**
 * What the caller's phone receives, seen from outside avsplit: dumpcap records the H.264 RTP sent to the caller's
 * video port on loopback; the packets are depacketized (RFC 6184 single NAL, STAP-A, FU-A) into an Annex-B
 * stream and decoded by ffmpeg into the mean colour of every frame.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { extractNalUnits, nalType, NalType } from "../../../src/media/h264/index.ts";
import { RtpPacket } from "../../../src/media/rtp/rtp-packet.ts";
import { readPcapFile } from "../../support/pcap.ts";

const START_CODE = [0, 0, 0, 1];

export interface Capture {
  /** Stops dumpcap and returns the RTP packets captured, in arrival order. */
  stop(): Promise<RtpPacket[]>;
}

/** Records UDP sent to 127.0.0.1:`port`; resolves once dumpcap is capturing. */
export async function captureUdpTo(port: number, dir: string): Promise<Capture> {
  const file = join(dir, `caller-video-${port}.pcap`);
  const proc = Bun.spawn(["dumpcap", "-q", "-i", "lo", "-f", `udp and dst port ${port}`, "-P", "-w", file], { stdout: "ignore", stderr: "pipe" });
  const reader = proc.stderr.getReader();
  let banner = "";
  const deadline = Date.now() + 5000;
  while (!banner.includes("Capturing on")) {
    if (Date.now() > deadline) throw new Error(`dumpcap did not start: ${banner}`);
    const { value, done } = await reader.read();
    if (done) throw new Error(`dumpcap exited: ${banner}`);
    banner += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return {
    async stop() {
      proc.kill("SIGINT");
      await proc.exited;
      return readPcapFile(file).flatMap((d) => {
        try {
          return [RtpPacket.deSerialize(d.payload)];
        } catch {
          return [];
        }
      });
    },
  };
}

/** Annex-B byte stream of the H.264 carried by `packets` (FU-A fragments reassembled; broken fragments dropped). */
export function annexB(packets: RtpPacket[]): Uint8Array {
  const out: number[] = [];
  let fragment: number[] | null = null;
  for (const p of packets) {
    const payload = p.payload;
    if (payload.length < 2) continue;
    const type = nalType(payload[0]);
    if (type === NalType.FuA) {
      const start = (payload[1] & 0x80) !== 0;
      const end = (payload[1] & 0x40) !== 0;
      if (start) fragment = [(payload[0] & 0xe0) | (payload[1] & 0x1f)];
      if (!fragment) continue;
      fragment.push(...payload.subarray(2));
      if (end) {
        out.push(...START_CODE, ...fragment);
        fragment = null;
      }
      continue;
    }
    for (const nal of extractNalUnits(payload)) out.push(...START_CODE, ...nal);
  }
  return Uint8Array.from(out);
}

export type Rgb = [number, number, number];

/** Mean colour of every decoded frame of an Annex-B H.264 stream (frames scaled down to 32x24 first). */
export function frameColours(h264: Uint8Array, dir: string): Rgb[] {
  const file = join(dir, `stream-${Date.now()}.h264`);
  writeFileSync(file, h264);
  return meanColours(["-f", "h264", "-i", file]);
}

/** Mean colour of an image file, measured like frameColours. */
export function imageColour(path: string): Rgb {
  return meanColours(["-i", path])[0];
}

function meanColours(input: string[]): Rgb[] {
  const W = 32;
  const H = 24;
  const ff = Bun.spawnSync(["ffmpeg", "-v", "error", ...input, "-vf", `scale=${W}:${H}`, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], { stdout: "pipe", stderr: "pipe" });
  const raw = ff.stdout as Uint8Array;
  const frameBytes = W * H * 3;
  const out: Rgb[] = [];
  for (let f = 0; f + frameBytes <= raw.length; f += frameBytes) {
    const sum = [0, 0, 0];
    for (let i = 0; i < frameBytes; i += 3) for (let c = 0; c < 3; c++) sum[c] += raw[f + i + c];
    out.push(sum.map((s) => Math.round(s / (W * H))) as Rgb);
  }
  return out;
}

export const colourDistance = (a: Rgb, b: Rgb) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/** Width x height of every decoded frame of an Annex-B H.264 stream, in order. */
export function frameSizes(h264: Uint8Array, dir: string): string[] {
  const file = join(dir, `sizes-${Date.now()}.h264`);
  writeFileSync(file, h264);
  const probe = Bun.spawnSync(["ffprobe", "-v", "error", "-f", "h264", "-show_entries", "frame=width,height", "-of", "csv=p=0", file], { stdout: "pipe" });
  return probe.stdout.toString().trim().split("\n").filter(Boolean).map((l) => l.replace(",", "x"));
}
