"use client";
// Snooze and unsnooze from the inbox. Both are optimistic list changes (on the change bus, through the
// list's mutations), so the item leaves the view it is in at once; a snooze can be undone for
// UNDO_MS, which puts the item back in the state it had. Keyboard focus stays in the list.
import { useCallback, type RefObject } from "react";
import type { Notification, UserActionState } from "@/contracts/notification";
import { formatSnoozeTime } from "@/lib/format/snooze-time";
import { notificationTitle } from "@/lib/format/notification-title";
import { focusNearItem, focusRow, neighbourOf } from "./focus-in-list";
import { UNDO_MS } from "./use-pending-delete";
import { useUndoWindow } from "./use-undo-window";

interface SnoozeInput {
  /** The rows the list shows now (where focus goes when one leaves). */
  visibleItems: readonly Notification[];
  snooze: (item: Notification, until: Date) => Promise<unknown>;
  unsnooze: (item: Notification, state?: Exclude<UserActionState, "snoozed">) => Promise<unknown>;
  run: (what: string, action: () => Promise<unknown>, done: string) => Promise<void>;
  listRef: RefObject<HTMLElement | null>;
}

export interface SnoozeUndo {
  /** The item as it was before the snooze. */
  item: Notification;
  /** "tomorrow at 8:00 AM" */
  when: string;
}

export function useSnooze({ visibleItems, snooze, unsnooze, run, listRef }: SnoozeInput) {
  const undoWindow = useUndoWindow<SnoozeUndo>();
  const { offer, take } = undoWindow;

  const start = useCallback(
    (item: Notification, until: Date) => {
      const entry: SnoozeUndo = { item, when: formatSnoozeTime(until.toISOString(), Date.now()) };
      const done = `Snoozed “${notificationTitle(item)}” until ${entry.when}. Undo is available for ${UNDO_MS / 1000} seconds.`;
      return offer(entry, () => snooze(item, until), { what: "Snooze", done, run }, { item, visibleItems, listRef });
    },
    [listRef, offer, run, snooze, visibleItems],
  );

  /** Puts the last snoozed item back as it was before. */
  const undo = useCallback(() => {
    const entry = take();
    if (!entry) return;
    const before = entry.item.userActionState === "snoozed" ? "noInteraction" : entry.item.userActionState;
    void run("Undo snooze", () => unsnooze(entry.item, before), `Restored “${notificationTitle(entry.item)}”.`);
    // Back in the list at once: focus follows it rather than staying on the toast that goes away.
    requestAnimationFrame(() => focusRow(listRef.current, entry.item.id));
  }, [listRef, run, take, unsnooze]);

  /** Returns a snoozed item to the inbox now. */
  const end = useCallback(
    (item: Notification) => {
      const index = visibleItems.findIndex((i) => i.id === item.id);
      void run("Unsnooze", () => unsnooze(item), `“${notificationTitle(item)}” is back in your inbox.`);
      if (index >= 0) focusNearItem(listRef.current, neighbourOf(visibleItems, index));
    },
    [listRef, run, unsnooze, visibleItems],
  );

  return { undoable: undoWindow.undoable, start, undo, end };
}
