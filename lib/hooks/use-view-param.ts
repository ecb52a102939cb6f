"use client";
// `/?view=unread` (the installed app's "Unread" shortcut, or a bookmark): the inbox starts in that
// view. Read once, then dropped from the address bar, which does not follow later view switches.
import { useEffect, useState } from "react";
import type { InboxView } from "@/lib/api/query";

export const VIEW_PARAM = "view";
const VIEWS: readonly InboxView[] = ["all", "unread", "dismissed", "snoozed"];

/** The view a query string asks for ("?view=unread"), or "all" when it names none we know. */
export function viewFromSearch(search: string): InboxView {
  const asked = new URLSearchParams(search).get(VIEW_PARAM);
  return VIEWS.find((view) => view === asked) ?? "all";
}

/** The view the page was opened with; signed-in pages render in the browser only, so location is there. */
export function useViewParam(): InboxView {
  const [view] = useState(() => (typeof window === "undefined" ? "all" : viewFromSearch(window.location.search)));
  useEffect(() => {
    const url = new URL(window.location.href);
    if (!url.searchParams.has(VIEW_PARAM)) return;
    url.searchParams.delete(VIEW_PARAM);
    window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
  }, []);
  return view;
}
