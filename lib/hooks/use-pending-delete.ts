"use client";
// The inbox's delete with Undo: the item leaves the list at once and is sent when the undo window
// closes, another delete begins, or the page is hidden; keyboard focus stays in the list.
import { useCallback, useEffect, useMemo, useState, type RefObject } from "react";
import { notificationTitle } from "@/lib/format/notification-title";
import type { Notification } from "@/contracts/notification";
import { notificationChanges } from "@/lib/events/notification-changes";
import { focusNearItem } from "./focus-in-list";
import { createPendingDelete } from "./pending-delete";

export const UNDO_MS = 5000;

interface PendingDeleteInput {
  /** The items as loaded, the waiting one included. */
  items: readonly Notification[];
  /** Sends the delete, its outcome said (announced or shown as a failure). */
  commit: (item: Notification) => void;
  announce: (message: string) => void;
  /** The list's container, where focus stays after a row leaves. */
  listRef: RefObject<HTMLElement | null>;
}

export function usePendingDelete({ items, commit, announce, listRef }: PendingDeleteInput) {
  const [pending, setPending] = useState<Notification | null>(null);
  // One machine for the page's life: a new one per render would lose the undo window.
  const [machine] = useState(() => createPendingDelete<Notification>({ undoMs: UNDO_MS, onChange: setPending }));

  // A delete waiting for its undo window is sent now if the page is being hidden or closed.
  useEffect(() => {
    const flush = () => {
      if (document.visibilityState === "hidden") machine.flush();
    };
    document.addEventListener("visibilitychange", flush);
    return () => document.removeEventListener("visibilitychange", flush);
  }, [machine]);

  const visibleItems = useMemo(() => items.filter((item) => item.id !== pending?.id), [items, pending]);

  const start = useCallback(
    (item: Notification) => {
      const index = visibleItems.findIndex((i) => i.id === item.id);
      const neighbour = visibleItems[index + 1] ?? visibleItems[index - 1];
      machine.start(item, commit);
      // Gone from the page now: its OS notification closes with it.
      notificationChanges.publish({ phase: "pending", action: "delete", ids: [item.id] });
      announce(`Deleted “${notificationTitle(item)}”. Undo is available for ${UNDO_MS / 1000} seconds.`);
      focusNearItem(listRef.current, neighbour?.id);
    },
    [announce, commit, listRef, machine, visibleItems],
  );

  const undo = useCallback(() => {
    const item = machine.undo();
    if (item) announce(`Restored “${notificationTitle(item)}”.`);
  }, [announce, machine]);

  // A delete waiting out its undo window already counts as gone, in the badge as in the list.
  const hiddenUnread = pending && pending.readState === "unread" && pending.status === "active" ? 1 : 0;

  return { pending, visibleItems, hiddenUnread, start, undo };
}
