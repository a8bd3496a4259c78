/** Full RTP packet model (allocating): control path, injection, tests. The per-packet relay path uses RtpHeaderView. */
import { RtpParseError } from "./errors.ts";
import { RtpHeaderView, RTP_FIXED_HEADER_LENGTH, writeUint32 } from "./header-view.ts";
import {
  type HeaderExtension,
  isRfc8285Profile,
  parseHeaderExtensions,
  serializeHeaderExtensions,
} from "./header-extensions.ts";

export interface RtpHeader {
  version: 2;
  padding: boolean;
  /** Padding bytes including the count byte; 0 when `padding` is false. */
  paddingSize: number;
  extension: boolean;
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrc: number[];
  /** 0xBEDE, 0x100x or another profile; only meaningful when `extension`. */
  extensionProfile: number;
  /** Parsed elements for RFC 8285 profiles; serialize() re-encodes them when `extensionData` is null. */
  extensions: HeaderExtension[];
  /** Raw extension data for non-RFC 8285 profiles (kept opaque). */
  extensionData: Uint8Array | null;
}

function defaultHeader(): RtpHeader {
  return {
    version: 2, padding: false, paddingSize: 0, extension: false, marker: false, payloadType: 0,
    sequenceNumber: 0, timestamp: 0, ssrc: 0, csrc: [], extensionProfile: 0, extensions: [], extensionData: null,
  };
}

/** Shared by deSerialize (synchronous, so one instance is safe). */
const view = new RtpHeaderView();

export class RtpPacket {
  readonly header: RtpHeader;

  constructor(header: Partial<RtpHeader>, public payload: Uint8Array) {
    this.header = { ...defaultHeader(), ...header };
  }

  static deSerialize(buf: Uint8Array): RtpPacket {
    if (!view.wrap(buf)) throw new RtpParseError(view.error!);
    const csrc: number[] = [];
    for (let i = 0; i < view.csrcCount; i++) csrc.push(view.csrc(i));
    let extensions: HeaderExtension[] = [];
    let extensionData: Uint8Array | null = null;
    const profile = view.extensionProfile;
    if (view.extension) {
      const data = buf.slice(view.extensionOffset, view.extensionOffset + view.extensionLength);
      if (isRfc8285Profile(profile)) extensions = parseHeaderExtensions(profile, data);
      else extensionData = data;
    }
    const payloadStart = view.payloadOffset;
    return new RtpPacket(
      {
        padding: view.padding, paddingSize: view.paddingLength, extension: view.extension, marker: view.marker,
        payloadType: view.payloadType, sequenceNumber: view.sequenceNumber, timestamp: view.timestamp,
        ssrc: view.ssrc, csrc, extensionProfile: profile, extensions, extensionData,
      },
      buf.slice(payloadStart, payloadStart + view.payloadLength),
    );
  }

  serialize(): Uint8Array {
    const h = this.header;
    if (h.csrc.length > 15) throw new RangeError("at most 15 CSRCs");
    let ext: { profile: number; data: Uint8Array } | null = null;
    if (h.extension || h.extensions.length > 0 || h.extensionData) {
      ext = h.extensionData
        ? { profile: h.extensionProfile, data: h.extensionData }
        : serializeHeaderExtensions(
            h.extensions,
            h.extensionProfile === 0 ? undefined : h.extensionProfile === 0xbede ? "one-byte" : "two-byte",
          );
      if (ext.data.length % 4 !== 0) throw new RangeError("extension data must be a multiple of 4 bytes");
    }
    const paddingSize = h.padding ? h.paddingSize || 1 : 0;
    if (paddingSize > 255) throw new RangeError("padding at most 255 bytes");
    const headerLen = RTP_FIXED_HEADER_LENGTH + h.csrc.length * 4 + (ext ? 4 + ext.data.length : 0);
    const out = new Uint8Array(headerLen + this.payload.length + paddingSize);
    out[0] = 0x80 | (paddingSize ? 0x20 : 0) | (ext ? 0x10 : 0) | h.csrc.length;
    out[1] = (h.marker ? 0x80 : 0) | (h.payloadType & 0x7f);
    out[2] = h.sequenceNumber >>> 8;
    out[3] = h.sequenceNumber;
    writeUint32(out, 4, h.timestamp);
    writeUint32(out, 8, h.ssrc);
    let i = RTP_FIXED_HEADER_LENGTH;
    for (const c of h.csrc) { writeUint32(out, i, c); i += 4; }
    if (ext) {
      out[i] = ext.profile >>> 8;
      out[i + 1] = ext.profile;
      out[i + 2] = (ext.data.length / 4) >>> 8;
      out[i + 3] = ext.data.length / 4;
      out.set(ext.data, i + 4);
      i += 4 + ext.data.length;
    }
    out.set(this.payload, i);
    if (paddingSize) out[out.length - 1] = paddingSize;
    return out;
  }
}
