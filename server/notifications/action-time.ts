// The conflict rule for offline replays (contract, "Changing state"): a change
// carries the time the user made it; one older than the item's last change
// from another endpoint does not overwrite it.

/** Allowed clock difference between a client and the service. */
export const ACTION_TIME_SKEW_MS = 5_000;

export type ActionTimeCheck = { ok: true; at: Date | undefined } | { ok: false; message: string };

/** Parses and checks the X-Action-Time header: ISO 8601, never in the future. */
export function parseActionTime(header: string | undefined, now: Date, isIso: (s: string) => boolean): ActionTimeCheck {
  if (header === undefined || header === "") return { ok: true, at: undefined };
  const at = new Date(header);
  if (!isIso(header) || Number.isNaN(at.getTime())) {
    return { ok: false, message: "X-Action-Time must be an ISO 8601 date-time" };
  }
  if (at.getTime() > now.getTime() + ACTION_TIME_SKEW_MS) {
    return { ok: false, message: "X-Action-Time is in the future" };
  }
  return { ok: true, at };
}

export interface ItemVersion {
  lastModified: Date;
  /** The endpoint that made the last change; null for the app server, the service or an unnamed client. */
  lastModifiedEndpoint: string | null;
}

/**
 * True when a change made at `actionTime` from `endpointId` must not overwrite
 * the item: the item changed later, and not from this same endpoint (an
 * endpoint's own changes replay in order, so they always apply).
 */
export function isSuperseded(item: ItemVersion, actionTime: Date | undefined, endpointId: string | null): boolean {
  if (actionTime === undefined) return false;
  const sameEndpoint = endpointId !== null && item.lastModifiedEndpoint === endpointId;
  if (sameEndpoint) return false;
  return actionTime.getTime() < item.lastModified.getTime();
}
