/**
 * The media thread (a Worker): owns the SIP audio legs' sockets and relays their packets on its own epoll loop
 * (MediaLoop), off Bun's event loop. Between turns of at most LOOP_TURN_MS it yields to its own event loop, where
 * the main thread's commands and the endpoints' timers run. The main thread rings the doorbell once per command it
 * posts; a message can reach this thread's event loop a little after its ring, so until every command rung for has
 * arrived the loop only polls (no waiting in epoll), yielding between polls.
 */
import { workerData } from "node:worker_threads";
import { createLogger, setLogLevel } from "../../observability/log.ts";
import { libcSocket } from "../ports/libc-socket.ts";
import { MediaLoop } from "../ports/media-loop.ts";
import { ThreadRelay } from "./thread-relay.ts";
import type { MediaCommand, MediaThreadEvent, MediaThreadSetup } from "./protocol.ts";

declare const self: Worker;
const log = createLogger("media.thread");
const LOOP_TURN_MS = 20;

const setup = workerData as MediaThreadSetup;
setLogLevel(setup.logLevel);
const libc = libcSocket();
if (libc === null) throw new Error("the media thread needs libc through bun:ffi (Linux x86-64)");
const loop = new MediaLoop(libc, setup.doorbellFd);
const post = (event: MediaThreadEvent, transfer: ArrayBuffer[] = []) => self.postMessage(event, transfer);
const relay = new ThreadRelay(loop, setup.host, post);

let running = true;
/** Commands rung for that have not arrived yet. */
let owed = 0;
self.onmessage = (e: MessageEvent<MediaCommand>) => {
  owed--;
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
  owed += loop.runFor(owed > 0 ? 0 : LOOP_TURN_MS);
  relay.flush(performance.now());
  await turn();
}
