/**
 * The media thread (a Worker): owns the SIP audio legs' sockets and relays their packets on its own epoll loop
 * (MediaLoop), off Bun's event loop. Between turns of at most LOOP_TURN_MS it yields to its own event loop, where
 * the main thread's commands (which ring the doorbell) and the endpoints' timers run.
 */
import { workerData } from "node:worker_threads";
import { createLogger } from "../../observability/log.ts";
import { libcSocket } from "../ports/libc-socket.ts";
import { MediaLoop } from "../ports/media-loop.ts";
import { ThreadRelay } from "./thread-relay.ts";
import type { MediaCommand, MediaThreadEvent, MediaThreadSetup } from "./protocol.ts";

declare const self: Worker;
const log = createLogger("media.thread");
const LOOP_TURN_MS = 20;

const setup = workerData as MediaThreadSetup;
const libc = libcSocket();
if (libc === null) throw new Error("the media thread needs libc through bun:ffi (Linux x86-64)");
const loop = new MediaLoop(libc, setup.doorbellFd);
const post = (event: MediaThreadEvent, transfer: ArrayBuffer[] = []) => self.postMessage(event, transfer);
const relay = new ThreadRelay(loop, setup.host, setup.receiveBufferBytes, post);

let running = true;
self.onmessage = (e: MessageEvent<MediaCommand>) => {
  try {
    relay.handle(e.data);
  } catch (err) {
    log.error("media command failed", { op: e.data.op, err });
  }
  if (e.data.op === "shutdown") running = false;
};
post({ ev: "ready", fds: loop.fds });

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
while (running) {
  loop.runFor(LOOP_TURN_MS);
  relay.flush(Date.now());
  await turn();
}
