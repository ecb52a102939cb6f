"use client";
// `/?open=<id>` (a click on an OS notification): opens that item once the list has loaded, then drops
// the parameter so a reload does not open it again.
import { useEffect, useRef } from "react";
import { OPEN_PARAM } from "@/contracts/push-payload";

/** The id to open and the URL without it, or null when the location asks to open nothing. */
export function takeOpenParam(location: Pick<Location, "pathname" | "search" | "hash">): { id: string; url: string } | null {
  const params = new URLSearchParams(location.search);
  const id = params.get(OPEN_PARAM);
  if (!id) return null;
  params.delete(OPEN_PARAM);
  const rest = params.toString();
  return { id, url: location.pathname + (rest ? `?${rest}` : "") + location.hash };
}

export function useOpenParam(ready: boolean, openById: (id: string) => unknown): void {
  const handled = useRef(false);
  useEffect(() => {
    if (handled.current || !ready) return;
    const open = takeOpenParam(window.location);
    if (!open) return;
    handled.current = true;
    window.history.replaceState(null, "", open.url);
    // After this effect, not inside it: opening sets state.
    void Promise.resolve().then(() => openById(open.id));
  }, [ready, openById]);
}
