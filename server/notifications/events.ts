// The kinds of notification_events rows. Every change to a user's
// notifications writes one in its own transaction: they are the history delta
// reads and the outbox push delivery drains (server/push/outbox.ts).
import type { PushKind } from "../../contracts/push-payload";

export const EVENT_KINDS = ["created", "updated", "stateChanged", "deleted", "expired", "woke"] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/**
 * What an event pushes to the user's endpoints: a snooze ending (`woke`) shows
 * the item again as an update; an expiry pushes nothing (the item leaves every
 * inbox quietly, and delta reports it).
 */
export function pushKindOf(eventKind: EventKind): PushKind | undefined {
  switch (eventKind) {
    case "created":
    case "updated":
    case "stateChanged":
    case "deleted":
      return eventKind;
    case "woke":
      return "updated";
    case "expired":
      return undefined;
  }
}

/** The kinds that push something (pushKindOf): the outbox makes a job only for these. */
export const PUSHED_EVENT_KINDS: readonly EventKind[] = EVENT_KINDS.filter((k) => pushKindOf(k) !== undefined);
