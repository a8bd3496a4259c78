/** SIP legs relayed on this thread's event loop (tests with a virtual clock; platforms without the media thread). */
import type { Clock } from "../../util/clock.ts";
import type { PortPool } from "../ports/index.ts";
import { Bridge, type BridgeOptions } from "./bridge.ts";
import { MediaEndpoint } from "./media-endpoint.ts";
import type { RelayBridge, RelayLeg, RelayLegFactory, RelayLegSpec } from "./relay-leg.ts";

export class LocalRelayLegs implements RelayLegFactory {
  constructor(private readonly pool: PortPool, private readonly clock: Clock) {}

  createLeg(spec: RelayLegSpec): Promise<MediaEndpoint> {
    return MediaEndpoint.create({ ...spec, pool: this.pool, clock: this.clock });
  }

  bridge(a: RelayLeg, b: RelayLeg, opts: BridgeOptions): RelayBridge {
    if (!(a instanceof MediaEndpoint) || !(b instanceof MediaEndpoint)) throw new Error("a local bridge joins two legs of this thread");
    return new Bridge(a, b, opts);
  }
}
