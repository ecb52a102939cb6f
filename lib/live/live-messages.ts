// What the live stream says, in the shapes the rest of lib/live/ passes around: one stream event
// parsed and checked (parseStreamEvent), events grouped into batches (createBatcher), and the
// messages a tab applies — whether it read them from its own stream or from the tab that holds it.
import type { Notification } from "@/contracts/notification";

/** One entry of a change, in the service's order: an item as it is now, or its removal. */
export type LiveChange = { kind: "changed"; item: Notification } | { kind: "removed"; id: string };

/** One event of the stream, checked. `eventId` is the stream position (Last-Event-ID) it carries. */
export type StreamEvent =
  | { type: "change"; change: LiveChange; eventId?: string }
  | { type: "unreadCount"; count: number; eventId?: string }
  | { type: "resync" };

/** What a tab applies; the tab holding the stream relays exactly these to the others. */
export type LiveMessage =
  /** Changes in order; `unreadCount` when the service sent it after them; `lastEventId`: the position after them. */
  | { type: "batch"; changes: LiveChange[]; unreadCount?: number; lastEventId?: string }
  /** The stream (re)connected or the service could not resume it: catch up with delta. */
  | { type: "catchUp"; reason: "connected" | "reconnected" | "resync" };

const READ_STATES = new Set(["unread", "read"]);
const STATUSES = new Set(["active", "deleted"]);

/** Enough of the resource to apply it to a list; anything else is refused (an older or foreign shape). */
export function isNotification(value: unknown): value is Notification {
  if (!value || typeof value !== "object") return false;
  const n = value as Record<string, unknown>;
  return (
    typeof n.id === "string" &&
    typeof n.readState === "string" &&
    READ_STATES.has(n.readState) &&
    typeof n.userActionState === "string" &&
    typeof n.status === "string" &&
    STATUSES.has(n.status) &&
    typeof n.createdDateTime === "string" &&
    typeof n.lastModifiedDateTime === "string" &&
    !!n.payload &&
    typeof n.payload === "object"
  );
}

/** A delta entry or a `changed` event's data: the item, or its removal; undefined when neither. */
export function parseChange(data: unknown): LiveChange | undefined {
  if (!data || typeof data !== "object") return undefined;
  const d = data as Record<string, unknown>;
  if (d["@removed"] !== undefined) return typeof d.id === "string" ? { kind: "removed", id: d.id } : undefined;
  return isNotification(d) ? { kind: "changed", item: d } : undefined;
}

/** One Server-Sent Event (as eventsource-parser gives it); undefined for anything this client does not know. */
export function parseStreamEvent(message: { event?: string; id?: string; data: string }): StreamEvent | undefined {
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    return undefined;
  }
  const eventId = message.id || undefined;
  switch (message.event) {
    case "changed": {
      const change = parseChange(data);
      return change && { type: "change", change, eventId };
    }
    case "unreadCount": {
      const count = (data as { unreadCount?: unknown } | null)?.unreadCount;
      return typeof count === "number" && Number.isInteger(count) && count >= 0 ? { type: "unreadCount", count, eventId } : undefined;
    }
    case "resync":
      return { type: "resync" };
    default:
      return undefined;
  }
}

/**
 * Groups a stream's events into batches: the service ends each batch with `unreadCount`, so a
 * mark-all-read of fifty items is one cache update, not fifty. A batch left open (no count came) is
 * sent after `flushMs` anyway.
 */
export function createBatcher(emit: (message: LiveMessage) => void, options: { flushMs?: number; setTimer?: typeof setTimeout; clearTimer?: typeof clearTimeout } = {}) {
  const flushMs = options.flushMs ?? 50;
  const setTimer = options.setTimer ?? setTimeout;
  const clearTimer = options.clearTimer ?? clearTimeout;
  let changes: LiveChange[] = [];
  let lastEventId: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = (unreadCount?: number) => {
    if (timer !== undefined) clearTimer(timer);
    timer = undefined;
    if (changes.length === 0 && unreadCount === undefined) return;
    const message: LiveMessage = { type: "batch", changes, ...(unreadCount !== undefined ? { unreadCount } : {}), ...(lastEventId ? { lastEventId } : {}) };
    changes = [];
    emit(message);
  };

  return {
    push(event: StreamEvent): void {
      if (event.type === "resync") {
        flush();
        emit({ type: "catchUp", reason: "resync" });
        return;
      }
      if (event.eventId) lastEventId = event.eventId;
      if (event.type === "unreadCount") return flush(event.count);
      changes.push(event.change);
      timer ??= setTimer(() => flush(), flushMs);
    },
    /** Sends what is waiting (the stream ended). */
    flush: () => flush(),
  };
}
