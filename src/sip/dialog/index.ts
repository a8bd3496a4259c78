export { Dialog, dialogKey, type DialogInit, type DialogState, type RequestParts } from "./dialog.ts";
export { uriToEndpoint, UnroutableUriError } from "./next-hop.ts";
