"use client";
// The live stream and delta catch-up for the signed-in page (lib/live/live-sync.ts): one per page,
// composed by components/signed-in-app.tsx. The lists follow it with lib/live/live-cache.ts's
// followLiveChanges; the badge's count is set here.
import { useEffect } from "react";
import { useSWRConfig } from "swr";
import type { ApiClient } from "@/lib/api/client";
import { notificationChanges, type ChangeBus } from "@/lib/events/notification-changes";
import { startLiveSync } from "@/lib/live/live-sync";

export interface LiveSyncInput {
  client: ApiClient;
  userKey: string;
  /** A token without ever redirecting to sign in. */
  getToken: (forceRefresh: boolean) => Promise<string>;
  bus?: ChangeBus;
  /** False until the page knows this browser's endpoint id (its first requests carry it). */
  enabled?: boolean;
  /** Runs before every delta catch-up (changes made offline go out first). */
  beforeCatchUp?: () => Promise<void>;
}

/** Logs to the console under `[live]` when localStorage asks (`inbox-live-log` = 1): for diagnosis and e2e timings. */
function liveLog(): ((line: string) => void) | undefined {
  try {
    if (localStorage.getItem("inbox-live-log") !== "1") return undefined;
  } catch {
    return undefined;
  }
  return (line) => console.info(`[live] ${Math.round(performance.now())} ${line}`);
}

export function useLiveSync({ client, userKey, getToken, bus = notificationChanges, enabled = true, beforeCatchUp }: LiveSyncInput): void {
  const { mutate } = useSWRConfig();
  useEffect(
    () => (enabled ? startLiveSync({ userKey, client, getToken, mutate, bus, beforeCatchUp, log: liveLog() }) : undefined),
    [client, userKey, getToken, mutate, bus, enabled, beforeCatchUp],
  );
}
