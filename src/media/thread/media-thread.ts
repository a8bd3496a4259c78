/**
 * The SIP audio legs on a thread of their own (docs/media-thread.md): a Worker relays their packets on its own epoll
 * loop, which costs less per packet than Bun's event loop (docs/bench/relay.md). Ports come from the one PortPool and
 * are bound here, so creating a leg never waits for the worker (a worker idle in epoll can take milliseconds to wake:
 * call setup must not); the worker takes the fds over. If the worker fails, its legs report "closed" (their calls
 * end), the fds it held are closed, and the next leg starts a new worker.
 */
import { createLogger, logLevel } from "../../observability/log.ts";
import { metrics } from "../../observability/metrics.ts";
import type { BridgeOptions } from "../relay/bridge.ts";
import { randomSsrc } from "../relay/media-endpoint.ts";
import type { RelayBridge, RelayLeg, RelayLegFactory, RelayLegSpec } from "../relay/relay-leg.ts";
import { EventFd } from "../ports/epoll.ts";
import { bindUdpFd, type BoundFd } from "../ports/fd-udp-socket.ts";
import { libcSocket, sockaddrIPv4, type LibcSocket } from "../ports/libc-socket.ts";
import { bindRtpPair, closeRtpPair, DEFAULT_RECEIVE_BUFFER, type PortPool } from "../ports/index.ts";
import type { MediaCommand, MediaThreadEvent, MediaThreadSetup } from "./protocol.ts";
import { ThreadBridge, ThreadMediaLeg } from "./thread-media-leg.ts";

const log = createLogger("media.thread");

/** In the executable the worker is an entrypoint of its own (appliance/build.ts), kept at its path under src/. */
const WORKER_URL = import.meta.url.startsWith("file:///$bunfs/")
  ? new URL("./media/thread/media-worker.ts", import.meta.url)
  : new URL("./media-worker.ts", import.meta.url);

interface Running {
  worker: Worker;
  doorbell: EventFd;
  ready: Promise<void>;
  legs: Map<number, ThreadMediaLeg>;
  stopped: (() => void) | null;
  /** Every fd the worker holds (its loop's, and each open leg's sockets by leg id). */
  loopFds: number[];
  legFds: Map<number, number[]>;
  /** Ends a worker that does not answer: reported as failed, terminated, its fds closed once it is gone. */
  kill(why: string): void;
}

export interface MediaThreadOptions {
  pool: PortPool;
  receiveBufferBytes?: number;
}

/** A media thread that died this often within FAILURE_WINDOW_MS is not started again for new legs. */
const MAX_FAILURES = 3;
const FAILURE_WINDOW_MS = 10 * 60_000;

export class MediaThread implements RelayLegFactory {
  private current: Running | null = null;
  /** When workers died (performance.now()), the last MAX_FAILURES. */
  private readonly failures: number[] = [];
  private nextId = 1;
  private isClosed = false;

  private constructor(private readonly libc: LibcSocket, private readonly opts: MediaThreadOptions) {}

  /** Null where the media thread cannot run (not Linux x86-64, no libc, pool bound to an IPv6 address). */
  static create(opts: MediaThreadOptions): MediaThread | null {
    const libc = libcSocket();
    if (libc === null || sockaddrIPv4(opts.pool.host, 0) === null) return null;
    return new MediaThread(libc, opts);
  }

  /** Starts the worker now (else the first leg does); rejects when it cannot load. */
  async start(): Promise<void> {
    await this.run().ready;
  }

  /** True while a worker runs. */
  get running(): boolean { return this.current !== null; }

  /** False once workers died MAX_FAILURES times within FAILURE_WINDOW_MS: new legs belong elsewhere (FallbackRelayLegs). */
  get healthy(): boolean {
    return this.failures.length < MAX_FAILURES || performance.now() - this.failures[0] > FAILURE_WINDOW_MS;
  }

  async createLeg(spec: RelayLegSpec): Promise<RelayLeg> {
    if (this.isClosed) throw new Error("the media thread is closed");
    const r = this.run();
    await r.ready;
    const id = this.nextId++;
    const full = { ...spec, ssrc: spec.ssrc ?? randomSsrc() };
    const { host } = this.opts.pool;
    const receiveBuffer = this.opts.receiveBufferBytes ?? DEFAULT_RECEIVE_BUFFER;
    // Throws SocketBindError (EADDRINUSE: the pool tries the next pair).
    const bind = (port: number) => bindUdpFd(this.libc, host, port, receiveBuffer);
    const { rtpPort, bound, release } = await this.opts.pool.reserve(
      (port) => bindRtpPair(port, spec.rtcpMux, bind, this.closeFd),
      (pair) => closeRtpPair(pair, this.closeFd),
    );
    if (this.current !== r || this.isClosed) {
      closeRtpPair(bound, this.closeFd);
      release();
      throw new Error("the media thread stopped");
    }
    const leg = new ThreadMediaLeg(id, rtpPort, full, (c) => this.post(r, c));
    r.legs.set(id, leg);
    r.legFds.set(id, bound.rtcp ? [bound.rtp.fd, bound.rtcp.fd] : [bound.rtp.fd]);
    leg.on("closed", release);
    this.post(r, { op: "create", id, rtp: bound.rtp, rtcp: bound.rtcp, spec: full });
    return leg;
  }

  private readonly closeFd = (bound: BoundFd): void => { this.libc.symbols.close(bound.fd); };

  bridge(a: RelayLeg, b: RelayLeg, options: BridgeOptions): RelayBridge {
    const r = this.current;
    if (!(a instanceof ThreadMediaLeg) || !(b instanceof ThreadMediaLeg) || !r || r.legs.get(a.id) !== a || r.legs.get(b.id) !== b) {
      throw new Error("a media thread bridge joins two open legs of that thread");
    }
    if (a.kind !== b.kind) throw new Error(`cannot bridge ${a.kind} with ${b.kind}`);
    const id = this.nextId++;
    this.post(r, { op: "bridge", id, a: a.id, b: b.id, options });
    return new ThreadBridge(id, a, b, (c) => this.post(r, c));
  }

  /**
   * Closes every leg and stops the worker: it closes its sockets, or, when it has not answered within `timeoutMs`
   * (or died meanwhile), it is terminated and its fds are closed here. Idempotent.
   */
  async close(timeoutMs = 2000): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    const r = this.current;
    if (!r) return;
    await r.ready.catch(() => undefined);
    if (this.current !== r) return;
    let timer: Timer | undefined;
    const answered = await new Promise<boolean>((resolve) => {
      r.stopped = () => resolve(true);
      timer = setTimeout(() => resolve(false), timeoutMs);
      this.post(r, { op: "shutdown" });
    });
    clearTimeout(timer);
    if (answered) return this.fail(r);
    r.kill(`it did not stop within ${timeoutMs} ms`);
  }

  private run(): Running {
    if (this.current) return this.current;
    const doorbell = new EventFd(this.libc);
    const setup: MediaThreadSetup = { doorbellFd: doorbell.fd, host: this.opts.pool.host, logLevel: logLevel() };
    const worker = new Worker(WORKER_URL, { workerData: setup } as WorkerOptions);
    let ready!: () => void, broken!: (err: Error) => void;
    let dead = false;
    const died = (why: string) => {
      if (this.current !== r) return; // stopped on purpose
      dead = true;
      log.error("media thread failed: its calls lose their audio and end", { err: why, legs: r.legs.size });
      this.failures.push(performance.now());
      if (this.failures.length > MAX_FAILURES) this.failures.shift();
      if (!this.healthy) log.error(`the media thread failed ${MAX_FAILURES} times within ${FAILURE_WINDOW_MS / 60_000} minutes: new calls' audio is relayed on the main thread`);
      broken(new Error(`media thread failed: ${why}`));
      this.fail(r);
    };
    const r: Running = {
      worker, doorbell, legs: new Map(), stopped: null, loopFds: [], legFds: new Map(), kill: died,
      ready: new Promise<void>((resolve, reject) => { ready = resolve; broken = reject; }),
    };
    r.ready.catch(() => undefined);
    worker.onmessage = (e: MessageEvent<MediaThreadEvent>) => {
      if (e.data.ev !== "ready") return this.onEvent(r, e.data);
      r.loopFds = e.data.fds;
      ready();
    };
    worker.onerror = (e) => died(e.message);
    // A worker that died closed nothing: its sockets would hold their ports until the process ends.
    worker.addEventListener("close", () => {
      died("the thread exited");
      if (dead) for (const fd of [...r.loopFds, ...[...r.legFds.values()].flat()]) this.libc.symbols.close(fd);
    });
    (worker as unknown as { unref(): void }).unref();
    this.current = r;
    return r;
  }

  private onEvent(r: Running, e: MediaThreadEvent): void {
    switch (e.ev) {
      case "latched": return r.legs.get(e.id)?.onLatched(e.kind, e.address, e.port);
      case "timeout": return r.legs.get(e.id)?.onTimeout(e.silentForMs);
      case "tapped": return r.legs.get(e.id)?.onTapped(e.batch, e.generation);
      case "stats":
        for (const [id, stats] of e.legs) r.legs.get(id)?.onStats(stats);
        metrics.addCounters(e.counters);
        return;
      case "closed": {
        const leg = r.legs.get(e.id);
        r.legs.delete(e.id);
        r.legFds.delete(e.id);
        return leg?.onClosed(e.stats);
      }
      case "stopped": return r.stopped?.();
    }
  }

  /** The worker is gone (failed, or stopped on purpose): its legs are closed, the next leg starts a new one. */
  private fail(r: Running): void {
    if (this.current !== r) return;
    this.current = null;
    r.stopped?.(); // a close() waiting for the worker's answer gets none
    r.stopped = null;
    for (const leg of [...r.legs.values()]) leg.onClosed(null);
    r.legs.clear();
    r.worker.terminate();
    r.doorbell.close();
  }

  private post(r: Running, c: MediaCommand): void {
    if (this.current !== r) return;
    r.worker.postMessage(c);
    r.doorbell.signal();
  }
}
