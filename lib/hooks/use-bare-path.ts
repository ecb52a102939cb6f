"use client";
// The address bar says just the path (/signed-out): the identity provider comes back with MSAL's
// `state` in the query, which a bookmark or a reload should not keep.
import { useEffect } from "react";

export function useBarePath(enabled = true): void {
  useEffect(() => {
    if (enabled && window.location.search) window.history.replaceState(null, "", window.location.pathname);
  }, [enabled]);
}
