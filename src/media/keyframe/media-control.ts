/** RFC 5168 `application/media_control+xml`: the SIP INFO picture_fast_update request (and its error reply). */

export const MEDIA_CONTROL_CONTENT_TYPE = "application/media_control+xml";
const MAX_DOCUMENT_LENGTH = 8192;

export interface MediaControl {
  pictureFastUpdate: boolean;
  /** `<stream_id>` values (RFC 5168 §4.2: empty means all video streams). */
  streamIds: string[];
  /** Text of `<general_error>` when the document reports one. */
  error?: string;
}

export function buildPictureFastUpdate(streamIds: string[] = []): string {
  const ids = streamIds.map((id) => `\n        <stream_id>${escapeXml(id)}</stream_id>`).join("");
  return (
    '<?xml version="1.0" encoding="utf-8" ?>\n' +
    "<media_control>\n  <vc_primitive>\n    <to_encoder>\n      <picture_fast_update/>\n    </to_encoder>" +
    ids + "\n  </vc_primitive>\n</media_control>\n"
  );
}

export function buildGeneralError(text: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8" ?>\n' +
    `<media_control>\n  <general_error>${escapeXml(text)}</general_error>\n</media_control>\n`
  );
}

/**
 * Tolerant reader (real phones vary whitespace, namespaces and self-closing forms); returns null when the body is not a
 * media_control document at all. Never throws.
 */
export function parseMediaControl(xml: string): MediaControl | null {
  if (xml.length > MAX_DOCUMENT_LENGTH || !/<(?:\w+:)?media_control[\s>]/.test(xml)) return null;
  const toEncoder = /<(?:\w+:)?to_encoder\b[^>]*>([\s\S]*?)<\/(?:\w+:)?to_encoder\s*>/.exec(xml);
  const pictureFastUpdate = !!toEncoder && /<(?:\w+:)?picture_fast_update\b/.test(toEncoder[1]);
  const streamIds = [...xml.matchAll(/<(?:\w+:)?stream_id\b[^>]*>([^<]*)</g)].slice(0, 16).map((m) => unescapeXml(m[1].trim()));
  const err = /<(?:\w+:)?general_error\b[^>]*>([^<]*)</.exec(xml);
  return err ? { pictureFastUpdate, streamIds, error: unescapeXml(err[1].trim()) } : { pictureFastUpdate, streamIds };
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function unescapeXml(s: string): string {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}
