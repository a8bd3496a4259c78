export { Dialog, dialogKey, type DialogInit, type DialogState, type RequestParts } from "./dialog.ts";
export { hopQuery, resolveUri, uriToEndpoint, UnroutableUriError } from "./next-hop.ts";
