"use client";
// Dismiss from the inbox, with Undo: the change is sent at once (the item stays in All, marked
// dismissed, and leaves Unread views), Undo puts its previous state back for UNDO_MS, and keyboard
// focus moves on to the next row, as archiving does in mail apps.
import { useCallback, useEffect, useState, type RefObject } from "react";
import type { Notification, UserActionState } from "@/contracts/notification";
import { notificationTitle } from "@/lib/format/notification-title";
import { focusNearItem, focusRow, neighbourOf } from "./focus-in-list";
import { UNDO_MS } from "./use-pending-delete";

interface DismissInput {
  visibleItems: readonly Notification[];
  dismiss: (item: Notification) => Promise<unknown>;
  restore: (item: Notification, state: Exclude<UserActionState, "snoozed">) => Promise<unknown>;
  run: (what: string, action: () => Promise<unknown>, done: string) => Promise<void>;
  listRef: RefObject<HTMLElement | null>;
}

export function useDismiss({ visibleItems, dismiss, restore, run, listRef }: DismissInput) {
  /** The item as it was before the last dismissal, while it can be undone. */
  const [undoable, setUndoable] = useState<Notification | null>(null);

  useEffect(() => {
    if (!undoable) return;
    const timer = setTimeout(() => setUndoable((current) => (current === undoable ? null : current)), UNDO_MS);
    return () => clearTimeout(timer);
  }, [undoable]);

  const start = useCallback(
    async (item: Notification) => {
      const index = visibleItems.findIndex((i) => i.id === item.id);
      setUndoable(item);
      let sent = false;
      const done = run(
        "Dismiss",
        async () => {
          await dismiss(item);
          sent = true;
        },
        `Dismissed “${notificationTitle(item)}”. Undo is available for ${UNDO_MS / 1000} seconds.`,
      );
      if (index >= 0) focusNearItem(listRef.current, neighbourOf(visibleItems, index));
      await done;
      if (!sent) setUndoable((current) => (current === item ? null : current));
    },
    [dismiss, listRef, run, visibleItems],
  );

  const undo = useCallback(() => {
    const item = undoable;
    if (!item) return;
    setUndoable(null);
    const before = item.userActionState === "snoozed" || item.userActionState === "dismissed" ? "noInteraction" : item.userActionState;
    void run("Undo dismiss", () => restore(item, before), `Restored “${notificationTitle(item)}”.`);
    requestAnimationFrame(() => focusRow(listRef.current, item.id));
  }, [listRef, restore, run, undoable]);

  return { undoable, start, undo };
}
