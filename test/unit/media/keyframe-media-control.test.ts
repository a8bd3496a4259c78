import { describe, expect, test } from "bun:test";
import { buildGeneralError, buildPictureFastUpdate, parseMediaControl } from "../../../src/media/keyframe/index.ts";

describe("RFC 5168 media_control XML", () => {
  test("built request matches the RFC 5168 §4.1 example structure and parses back", () => {
    const xml = buildPictureFastUpdate();
    expect(xml.replace(/\s+/g, "")).toBe(
      '<?xmlversion="1.0"encoding="utf-8"?><media_control><vc_primitive><to_encoder><picture_fast_update/></to_encoder></vc_primitive></media_control>',
    );
    expect(parseMediaControl(xml)).toEqual({ pictureFastUpdate: true, streamIds: [] });
  });
  test("stream ids are carried and escaped", () => {
    const xml = buildPictureFastUpdate(["video<1>"]);
    expect(xml).toContain("<stream_id>video&lt;1&gt;</stream_id>");
    expect(parseMediaControl(xml)?.streamIds).toEqual(["video<1>"]);
  });
  test("tolerates namespaces, attributes and whitespace seen from real phones", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\r\n<ns:media_control xmlns:ns="urn:x">\r\n <ns:vc_primitive>\r\n  <ns:to_encoder >\r\n   <ns:picture_fast_update />\r\n  </ns:to_encoder>\r\n </ns:vc_primitive>\r\n</ns:media_control>`;
    expect(parseMediaControl(xml)?.pictureFastUpdate).toBe(true);
  });
  test("general_error replies are reported; non-media_control bodies and oversize input give null", () => {
    expect(parseMediaControl(buildGeneralError("Fast update not supported"))).toEqual({ pictureFastUpdate: false, streamIds: [], error: "Fast update not supported" });
    expect(parseMediaControl("<foo/>")).toBeNull();
    expect(parseMediaControl("<media_control>" + " ".repeat(10_000))).toBeNull();
    expect(parseMediaControl("<media_control><picture_fast_update/></media_control>")?.pictureFastUpdate).toBe(false); // outside to_encoder
  });
});
