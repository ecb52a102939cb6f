// The push message (contract: "What the service pushes"): the notification's
// current state as the worker needs it, the user's unread count, and a
// per-endpoint action token, in at most 3,000 bytes of UTF-8 JSON.
// `rawContent` is never pushed: it is the app server's data, not for display.
import type { PushKind, PushNotificationView, PushPayload } from "../../../contracts/push-payload";
import type { PushedNotificationRow } from "../delivery/queries";

/** The contract's ceiling for the plaintext (RFC 8291 allows 4,078 after encryption). */
export const MAX_PAYLOAD_BYTES = 3000;
/** settledIds beyond this many are not worth their bytes: the app reconciles on open anyway. */
export const MAX_SETTLED_IDS = 20;
const ELLIPSIS = "…";

/** The columns a payload shows: what the delivery job reads, less its targeting columns. */
export type PayloadRow = Omit<PushedNotificationRow, "display_until" | "platform_types">;

export interface PayloadInput {
  kind: PushKind;
  row: PayloadRow;
  unreadCount: number;
  actionToken?: string;
  /** Newest first; only for endpoints that get no state pushes. */
  settledIds?: readonly string[];
}

export interface BuiltPayload {
  json: string;
  bytes: number;
  /** What was cut to fit the budget, in order. */
  trimmed: Array<"body" | "settledIds" | "groupName">;
}

/** The notification as the contract lists it, in the contract's key order. */
export function notificationView(row: PayloadRow): PushNotificationView {
  return {
    id: row.id,
    ...(row.title !== null ? { title: row.title } : {}),
    ...(row.body !== null ? { body: row.body } : {}),
    groupName: row.group_name,
    priority: row.priority,
    readState: row.read_state,
    userActionState: row.action_state,
    status: row.status,
    createdDateTime: row.created.toISOString(),
    expirationDateTime: row.expiration.toISOString(),
  };
}

function serialize(p: PushPayload): string {
  return JSON.stringify(p);
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

/** The first `n` code points of `s` (never half a surrogate pair). */
function codePointPrefix(points: string[], n: number): string {
  return points.slice(0, n).join("");
}

/**
 * Builds the payload within `budget` bytes. Trimming order (never the title,
 * id, states or counts): cut the body on a code point boundary, ending in
 * "…"; then drop settledIds, oldest first; then groupName. Throws when even
 * that does not fit (a title of 256 characters always does in 3,000 bytes).
 */
export function buildPushPayload(input: PayloadInput, budget: number = MAX_PAYLOAD_BYTES): BuiltPayload {
  const payload: PushPayload = {
    v: 1,
    kind: input.kind,
    notification: notificationView(input.row),
    unreadCount: input.unreadCount,
  };
  if (input.actionToken !== undefined) payload.actionToken = input.actionToken;
  if (input.settledIds && input.settledIds.length > 0) payload.settledIds = input.settledIds.slice(0, MAX_SETTLED_IDS);

  const trimmed: BuiltPayload["trimmed"] = [];
  /** The payload as it stands, if it fits the budget. */
  const fitting = (): BuiltPayload | undefined => {
    const json = serialize(payload);
    const bytes = byteLength(json);
    return bytes <= budget ? { json, bytes, trimmed } : undefined;
  };
  let built = fitting();
  if (built) return built;

  const body = payload.notification.body;
  if (body !== undefined && body.length > 0) {
    trimmed.push("body");
    const points = Array.from(body);
    // Largest prefix that fits (binary search over code points; the JSON
    // escaping of each character makes the byte cost non-linear).
    let lo = 0;
    let hi = points.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      payload.notification.body = codePointPrefix(points, mid) + ELLIPSIS;
      if (byteLength(serialize(payload)) <= budget) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (best >= 0) {
      payload.notification.body = codePointPrefix(points, best) + ELLIPSIS;
      return fitting()!;
    }
    payload.notification.body = ELLIPSIS;
  }

  if (payload.settledIds) {
    trimmed.push("settledIds");
    while (payload.settledIds.length > 0) {
      payload.settledIds.pop();
      if (byteLength(serialize(payload)) <= budget) break;
    }
    if (payload.settledIds.length === 0) delete payload.settledIds;
    built = fitting();
    if (built) return built;
  }

  if (payload.notification.groupName !== null && payload.notification.groupName !== undefined) {
    trimmed.push("groupName");
    payload.notification.groupName = null;
    built = fitting();
    if (built) return built;
  }
  throw new Error(`push payload for ${input.row.id} does not fit in ${budget} bytes even trimmed`);
}
