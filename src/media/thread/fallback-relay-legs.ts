/**
 * New legs go to the media thread while it is healthy, else to this thread's event loop: a worker that keeps dying
 * (a bug on some input, fds exhausted) must not take the audio of every new call with it.
 */
import type { BridgeOptions } from "../relay/bridge.ts";
import type { RelayBridge, RelayLeg, RelayLegFactory, RelayLegSpec } from "../relay/relay-leg.ts";
import type { MediaThread } from "./media-thread.ts";
import { ThreadMediaLeg } from "./thread-media-leg.ts";

export class FallbackRelayLegs implements RelayLegFactory {
  constructor(private readonly thread: MediaThread, private readonly local: RelayLegFactory) {}

  createLeg(spec: RelayLegSpec): Promise<RelayLeg> {
    return this.thread.healthy ? this.thread.createLeg(spec) : this.local.createLeg(spec);
  }

  bridge(a: RelayLeg, b: RelayLeg, opts: BridgeOptions): RelayBridge {
    return (a instanceof ThreadMediaLeg ? this.thread : this.local).bridge(a, b, opts);
  }
}
