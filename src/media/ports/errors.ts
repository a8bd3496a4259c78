/** Typed failures of the media port pool. */
export class PortPoolExhaustedError extends Error {
  override readonly name = "PortPoolExhaustedError";
  readonly code = "PORT_POOL_EXHAUSTED";
  constructor(readonly min: number, readonly max: number, readonly inUse: number) {
    super(`no free RTP port pair in ${min}-${max} (${inUse} pairs in use, the rest busy)`);
  }
}

export class PortRangeError extends Error {
  override readonly name = "PortRangeError";
  readonly code = "BAD_PORT_RANGE";
}

export class PortPoolClosedError extends Error {
  override readonly name = "PortPoolClosedError";
  readonly code = "PORT_POOL_CLOSED";
  constructor() { super("port pool is closed"); }
}
