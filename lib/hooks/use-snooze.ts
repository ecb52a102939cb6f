"use client";
// Snooze and unsnooze from the inbox. Both are optimistic list changes (on the change bus, through the
// list's mutations), so the item leaves the view it is in at once; a snooze can be undone for
// UNDO_MS, which puts the item back in the state it had. Keyboard focus stays in the list.
import { useCallback, useEffect, useState, type RefObject } from "react";
import type { Notification, UserActionState } from "@/contracts/notification";
import { formatSnoozeTime } from "@/lib/format/snooze-time";
import { notificationTitle } from "@/lib/format/notification-title";
import { focusNearItem, focusRow, neighbourOf } from "./focus-in-list";
import { UNDO_MS } from "./use-pending-delete";

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
  const [undoable, setUndoable] = useState<SnoozeUndo | null>(null);

  useEffect(() => {
    if (!undoable) return;
    const timer = setTimeout(() => setUndoable((current) => (current === undoable ? null : current)), UNDO_MS);
    return () => clearTimeout(timer);
  }, [undoable]);

  const start = useCallback(
    async (item: Notification, until: Date) => {
      const index = visibleItems.findIndex((i) => i.id === item.id);
      const entry: SnoozeUndo = { item, when: formatSnoozeTime(until.toISOString(), Date.now()) };
      setUndoable(entry);
      let sent = false;
      const done = run(
        "Snooze",
        async () => {
          await snooze(item, until);
          sent = true;
        },
        `Snoozed “${notificationTitle(item)}” until ${entry.when}. Undo is available for ${UNDO_MS / 1000} seconds.`,
      );
      if (index >= 0) focusNearItem(listRef.current, neighbourOf(visibleItems, index));
      await done;
      // Refused: the item is back (rolled back) and there is nothing to undo.
      if (!sent) setUndoable((current) => (current === entry ? null : current));
    },
    [listRef, run, snooze, visibleItems],
  );

  /** Puts the last snoozed item back as it was before. */
  const undo = useCallback(() => {
    const entry = undoable;
    if (!entry) return;
    setUndoable(null);
    const before = entry.item.userActionState === "snoozed" ? "noInteraction" : entry.item.userActionState;
    void run("Undo snooze", () => unsnooze(entry.item, before), `Restored “${notificationTitle(entry.item)}”.`);
    // Back in the list at once: focus follows it rather than staying on the toast that goes away.
    requestAnimationFrame(() => focusRow(listRef.current, entry.item.id));
  }, [listRef, run, undoable, unsnooze]);

  /** Returns a snoozed item to the inbox now. */
  const end = useCallback(
    (item: Notification) => {
      const index = visibleItems.findIndex((i) => i.id === item.id);
      void run("Unsnooze", () => unsnooze(item), `“${notificationTitle(item)}” is back in your inbox.`);
      if (index >= 0) focusNearItem(listRef.current, neighbourOf(visibleItems, index));
    },
    [listRef, run, unsnooze, visibleItems],
  );

  return { undoable, start, undo, end };
}
