"use client";
// Back on a view seen a moment ago, its cached list can be stale: a change made in another view (an
// unsnooze in Snoozed, a snooze in All) changed what it should show, and SWR skips reading a key again
// within its deduping interval (2 s). Read it again on every switch to a view that is already cached;
// a view not yet loaded is being read anyway.
import { useEffect, useRef } from "react";
import type { InboxView } from "@/lib/api/query";

export function useReloadOnViewChange(view: InboxView, isLoading: boolean, reload: () => unknown): void {
  const shown = useRef(view);
  const latest = useRef({ isLoading, reload });
  useEffect(() => {
    latest.current = { isLoading, reload };
  });
  useEffect(() => {
    if (shown.current === view) return;
    shown.current = view;
    if (!latest.current.isLoading) void latest.current.reload();
  }, [view]);
}
