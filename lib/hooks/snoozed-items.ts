// Snoozed items in the inbox, as pure rules: which view shows them, and when the page should ask the
// service again so an ended snooze shows up without a reload.
import type { Notification } from "@/contracts/notification";
import type { InboxView } from "@/lib/api/query";

/**
 * A snoozed item shows only in the Snoozed view, and every other view leaves it out, so a snooze
 * (or an unsnooze) moves it across at once when applied optimistically. The service lists snoozed
 * items in All, which is how the page learns when the next one ends.
 */
export function shownInView(items: readonly Notification[], view: InboxView): Notification[] {
  return items.filter((item) => (item.userActionState === "snoozed") === (view === "snoozed"));
}

/** The earliest end (ms) of the loaded snoozes, or null when nothing loaded is snoozed. */
export function nextSnoozeEnd(items: readonly Notification[]): number | null {
  let next: number | null = null;
  for (const item of items) {
    if (item.userActionState !== "snoozed" || !item.snoozedUntilDateTime) continue;
    const at = Date.parse(item.snoozedUntilDateTime);
    if (!Number.isNaN(at) && (next === null || at < next)) next = at;
  }
  return next;
}

/** After a snooze ends, how long to wait before reading, so the service's clock has passed it too. */
export const WAKE_MARGIN_MS = 500;
/** How long to wait again while a snooze already past still reads as snoozed (the service's clock is behind). */
export const WAKE_RETRY_MS = 5_000;
/** setTimeout's ceiling (about 24.8 days); a later end is timed again when this fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** How long until the page should read the list again for a snooze ending at `next`; null: no timer. */
export function wakeDelay(next: number | null, now: number): number | null {
  if (next === null) return null;
  if (next <= now) return WAKE_RETRY_MS;
  return Math.min(MAX_TIMER_MS, next - now + WAKE_MARGIN_MS);
}
