export { H264ParseError, type H264ErrorCode } from "./errors.ts";
export { NalType, nalType, nalHeader } from "./nal.ts";
export { isKeyframe, describeH264Payload, extractNalUnits, type H264PayloadInfo } from "./payload.ts";
export { BitReader, toRbsp } from "./bit-reader.ts";
export { parseSps, type SpsInfo } from "./sps.ts";
export { parseSpropParameterSets, formatSpropParameterSets } from "./sprop.ts";
export { ParameterSetInjector, type ParameterSetInjectorOptions } from "./parameter-set-injector.ts";
