/** Why a caller's INVITE did not become a session, with the status the caller gets. */
export class SessionSetupError extends Error {
  constructor(readonly status: number, message: string, readonly warning?: string) {
    super(message);
  }
}

/** A status the caller may see when the call center fails (auth trouble between us and it is our problem: 503). */
export function statusForCaller(status: number): number {
  if (status === 401 || status === 407 || status < 400 || status > 699) return 503;
  return status;
}
