// Reconnect delays for the live stream: exponential with full jitter (AWS's "Exponential Backoff And
// Jitter"), so a service restart is not met by every browser at the same instant.

export interface BackoffPolicy {
  /** The ceiling of the first retry's delay. */
  baseMs: number;
  /** No delay's ceiling grows past this. */
  capMs: number;
}

export const LIVE_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: 30_000 };

/** The ceiling for retry number `attempt` (0-based): base · 2^attempt, at most the cap. */
export function backoffCeiling(attempt: number, policy: BackoffPolicy = LIVE_BACKOFF): number {
  // 2^attempt overflows to Infinity long after the cap is reached; min() keeps it finite.
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt));
}

/** Full jitter: uniformly between 0 and the ceiling. `random` returns [0, 1) like Math.random. */
export function backoffDelay(attempt: number, policy: BackoffPolicy = LIVE_BACKOFF, random: () => number = Math.random): number {
  return Math.floor(random() * backoffCeiling(attempt, policy));
}
