"use client";
// The signed-in page's offline side (lib/offline/offline-sync.ts) for the components and hooks under
// SignedInApp: `useOffline()` gives the object (queue a change, read the saved count), and
// `useOfflineState()` re-renders on what the page shows (offline notice, pending changes, notices).
import { createContext, useContext, useSyncExternalStore } from "react";
import type { OfflineState, OfflineSync } from "@/lib/offline/offline-sync";

export const OfflineContext = createContext<OfflineSync | null>(null);

export function useOffline(): OfflineSync | null {
  return useContext(OfflineContext);
}

const ONLINE: OfflineState = { connection: "online", pending: 0, replaying: false, notices: [] };

export function useOfflineState(): OfflineState {
  const offline = useOffline();
  return useSyncExternalStore(
    (listener) => offline?.subscribe(listener) ?? (() => {}),
    () => offline?.getState() ?? ONLINE,
    () => ONLINE,
  );
}
