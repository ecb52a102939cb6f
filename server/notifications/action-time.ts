// The conflict rule for offline replays (contract, "Changing state"): a change
// carries the time the user made it; it is decided field by field — a field
// (readState, or userActionState with snoozedUntilDateTime) changed later from
// another endpoint is not overwritten, and the change's other fields apply.

/** A device clock this far ahead of the service's is taken as now; further ahead is refused. */
export const ACTION_TIME_SKEW_MS = 5 * 60_000;

export type ActionTimeCheck = { ok: true; at: Date | undefined } | { ok: false; message: string };

/** Parses and checks the X-Action-Time header: ISO 8601; a little ahead is now, far ahead is refused. */
export function parseActionTime(header: string | undefined, now: Date, isIso: (s: string) => boolean): ActionTimeCheck {
  if (header === undefined || header === "") return { ok: true, at: undefined };
  const at = new Date(header);
  if (!isIso(header) || Number.isNaN(at.getTime())) {
    return { ok: false, message: "X-Action-Time must be an ISO 8601 date-time" };
  }
  if (at.getTime() > now.getTime() + ACTION_TIME_SKEW_MS) {
    return { ok: false, message: "X-Action-Time is in the future" };
  }
  return { ok: true, at: at.getTime() > now.getTime() ? now : at };
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

/** The fields the conflict rule decides one by one. */
export type ConflictField = "readState" | "userActionState";

/** When and from where each field last changed (null columns: at the item's last change). */
export interface FieldVersions extends ItemVersion {
  readStateAt: Date | null;
  readStateEndpoint: string | null;
  actionStateAt: Date | null;
  actionStateEndpoint: string | null;
}

/** The requested fields a change made at `actionTime` from `endpointId` must not overwrite. */
export function supersededFields(
  item: FieldVersions,
  fields: readonly ConflictField[],
  actionTime: Date | undefined,
  endpointId: string | null,
): ConflictField[] {
  return fields.filter((f) => {
    const at = f === "readState" ? item.readStateAt : item.actionStateAt;
    const endpoint = f === "readState" ? item.readStateEndpoint : item.actionStateEndpoint;
    const version: ItemVersion = at === null ? item : { lastModified: at, lastModifiedEndpoint: endpoint };
    return isSuperseded(version, actionTime, endpointId);
  });
}
