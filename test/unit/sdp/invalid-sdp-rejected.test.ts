import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseSdp, SdpError, type SdpErrorCode } from "../../../src/sdp/index.ts";

const DIR = join(import.meta.dir, "../../fixtures/sdp/invalid");
const HEAD = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n";

function errorOf(text: string): SdpError {
  try {
    parseSdp(text);
  } catch (e) {
    if (e instanceof SdpError) return e;
    throw e;
  }
  throw new Error("parsed without error");
}

describe("invalid fixtures raise SdpError with the code in the file name", () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith(".sdp"));
  test("there is a fixture for each malformation", () => expect(files.length).toBeGreaterThanOrEqual(20));
  test.each(files)("%s", (file) => {
    const err = errorOf(readFileSync(join(DIR, file), "latin1"));
    expect(err.code).toBe(file.split("--")[0] as SdpErrorCode);
    expect(err.message.length).toBeGreaterThan(10);
  });
});

describe("messages say what is wrong and where", () => {
  test.each([
    [`${HEAD}m=audio 70000 RTP/AVP 0\r\n`, "m-line 1 has port 70000 outside 0-65535"],
    [`${HEAD}m=audio 4000 RTP/AVP 0\r\nm=video 4002 RTP/AVP 96\r\na=rtpmap:96 H264/0\r\n`, 'm-line 2 has an invalid "a=rtpmap:96 H264/0"'],
    ["v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n", "m-line 1 has no c= line and the session has none"],
    [`${HEAD}a=sendrecv\r\n`, "SDP has no m= line"],
    [`${HEAD}m=audio 4000 RTP/AVP 0\r\nbogus\r\n`, 'SDP line 7 is not "<type>=<value>": "bogus"'],
  ])("%#", (text, message) => {
    expect(errorOf(text).message).toBe(message);
  });
});

describe("hostile sizes are refused before any parsing work", () => {
  test.each([
    ["too-large", `${HEAD}m=audio 4000 RTP/AVP 0\r\n${"a=x-pad:" + "y".repeat(1000) + "\r\n"}`.repeat(70)],
    ["too-many-lines", `${HEAD}m=audio 4000 RTP/AVP 0\r\n${"\r\n".repeat(5000)}`],
    ["line-too-long", `${HEAD}m=audio 4000 RTP/AVP 0\r\na=x-long:${"z".repeat(5000)}\r\n`],
    ["too-many-media", HEAD + "m=audio 4000 RTP/AVP 0\r\n".repeat(33)],
    ["too-many-formats", `${HEAD}m=video 4000 RTP/AVP ${Array.from({ length: 129 }, (_, i) => i % 128).join(" ")}\r\n`],
    ["too-many-attributes", `${HEAD}m=audio 4000 RTP/AVP 0\r\n${"a=sendrecv\r\n".repeat(1025)}`],
    ["bad-fmtp", `${HEAD}m=video 4000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 ${Array.from({ length: 65 }, (_, i) => `k${i}=1`).join(";")}\r\n`],
    ["too-many-attributes", `${HEAD}m=audio 4000 RTP/AVP 0\r\n${Array.from({ length: 40 }, (_, i) => `a=tcap:${i + 1} RTP/AVPF\r\n`).join("")}`],
  ] as const)("%s", (code, text) => {
    expect(errorOf(text).code).toBe(code);
  });

  test("limits are options", () => {
    expect(() => parseSdp(`${HEAD}m=audio 4000 RTP/AVP 0\r\nm=video 4002 RTP/AVP 96\r\n`, { maxMedia: 1 })).toThrow(SdpError);
  });
});

describe("lenient where real peers are sloppy", () => {
  test("LF-only line ends, trailing spaces, blank lines and a missing s=/t= are accepted", () => {
    const sd = parseSdp("v=0\no=- 1 1 IN IP4 127.0.0.1\nc=IN IP4 127.0.0.1 \n\nm=audio 4000 RTP/AVP 0 8\na=sendrecv  \n");
    expect(sd.media[0].codecs.map((c) => c.name)).toEqual(["PCMU", "PCMA"]);
    expect(sd.media[0].direction).toBe("sendrecv");
  });

  test("unknown attributes are kept verbatim and survive a round trip", () => {
    const sd = parseSdp(`${HEAD}m=audio 4000 RTP/AVP 0\r\na=3gpp_MaxRecvSDUSize:1000\r\na=x-foo\r\n`);
    expect(sd.media[0].extra).toEqual(["3gpp_MaxRecvSDUSize:1000", "x-foo"]);
  });

  test("a session version past 2^53 keeps every digit", () => {
    const sd = parseSdp(`v=0\r\no=- 2127400367394060005 18446744073709551615 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n`);
    expect(sd.origin.version).toBe(18446744073709551615n);
    expect(sd.origin.sessionId).toBe("2127400367394060005");
  });
});
