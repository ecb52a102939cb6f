"use client";
// Dismiss from the inbox, with Undo: the change is sent at once (the item stays in All, marked
// dismissed, and leaves Unread views), Undo puts its previous state back for UNDO_MS, and keyboard
// focus moves on to the next row, as archiving does in mail apps.
import { useCallback, type RefObject } from "react";
import type { Notification, UserActionState } from "@/contracts/notification";
import { notificationTitle } from "@/lib/format/notification-title";
import { focusRow } from "./focus-in-list";
import { UNDO_MS } from "./use-pending-delete";
import { useUndoWindow } from "./use-undo-window";

interface DismissInput {
  visibleItems: readonly Notification[];
  dismiss: (item: Notification) => Promise<unknown>;
  restore: (item: Notification, state: Exclude<UserActionState, "snoozed">) => Promise<unknown>;
  run: (what: string, action: () => Promise<unknown>, done: string) => Promise<void>;
  listRef: RefObject<HTMLElement | null>;
}

export function useDismiss({ visibleItems, dismiss, restore, run, listRef }: DismissInput) {
  /** The item as it was before the last dismissal, while it can be undone. */
  const undoWindow = useUndoWindow<Notification>();
  const { offer, take } = undoWindow;

  const start = useCallback(
    (item: Notification) => {
      const done = `Dismissed “${notificationTitle(item)}”. Undo is available for ${UNDO_MS / 1000} seconds.`;
      return offer(item, () => dismiss(item), { what: "Dismiss", done, run }, { item, visibleItems, listRef });
    },
    [dismiss, listRef, offer, run, visibleItems],
  );

  const undo = useCallback(() => {
    const item = take();
    if (!item) return;
    const before = item.userActionState === "snoozed" || item.userActionState === "dismissed" ? "noInteraction" : item.userActionState;
    void run("Undo dismiss", () => restore(item, before), `Restored “${notificationTitle(item)}”.`);
    requestAnimationFrame(() => focusRow(listRef.current, item.id));
  }, [listRef, restore, run, take]);

  return { undoable: undoWindow.undoable, start, undo };
}
