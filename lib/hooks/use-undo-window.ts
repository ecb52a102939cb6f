"use client";
// The undo window of a change already sent (a snooze, a dismissal): the entry it can be undone with,
// kept for UNDO_MS, and the sending itself — an entry whose change the service refused is dropped (the
// list already rolled the change back: there is nothing to undo). Keyboard focus moves to the row that
// takes the changed one's place.
import { useCallback, useEffect, useState, type RefObject } from "react";
import type { Notification } from "@/contracts/notification";
import { focusNearItem, neighbourOf } from "./focus-in-list";
import { UNDO_MS } from "./use-pending-delete";

export function useUndoWindow<T>() {
  const [undoable, setUndoable] = useState<T | null>(null);

  useEffect(() => {
    if (!undoable) return;
    const timer = setTimeout(() => setUndoable((current) => (current === undoable ? null : current)), UNDO_MS);
    return () => clearTimeout(timer);
  }, [undoable]);

  /**
   * Offers `entry` for undo while `send` runs through `run` (which says its outcome), with focus on the
   * next row of `visibleItems` after `item`.
   */
  const offer = useCallback(
    async (
      entry: T,
      send: () => Promise<unknown>,
      said: { what: string; done: string; run: (what: string, action: () => Promise<unknown>, done: string) => Promise<void> },
      focus: { item: Notification; visibleItems: readonly Notification[]; listRef: RefObject<HTMLElement | null> },
    ) => {
      const index = focus.visibleItems.findIndex((i) => i.id === focus.item.id);
      setUndoable(entry);
      let sent = false;
      const done = said.run(
        said.what,
        async () => {
          await send();
          sent = true;
        },
        said.done,
      );
      if (index >= 0) focusNearItem(focus.listRef.current, neighbourOf(focus.visibleItems, index));
      await done;
      if (!sent) setUndoable((current) => (current === entry ? null : current));
    },
    [],
  );

  /** The entry to undo now, taken out of the window (undefined when it closed). */
  const take = useCallback((): T | undefined => {
    const entry = undoable ?? undefined;
    setUndoable(null);
    return entry;
  }, [undoable]);

  return { undoable, offer, take };
}
