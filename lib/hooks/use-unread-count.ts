"use client";
// The header badge: `$count` of unread, active items, revalidated on focus and on every change.
import { useEffect } from "react";
import useSWR, { type ScopedMutator } from "swr";
import { isNetworkFailure } from "@/lib/offline/change-queue";
import { useOffline } from "./use-offline";
import { useApiClient } from "@/lib/api/api-client-context";
import { UNREAD_COUNT_FILTER } from "@/lib/api/query";
import type { ChangeBus } from "@/lib/events/notification-changes";

export const UNREAD_COUNT_KEY = ["notifications", "$count", UNREAD_COUNT_FILTER] as const;

export function useUnreadCount() {
  const client = useApiClient();
  const offline = useOffline();
  const { data, error, isLoading, mutate } = useSWR(
    client ? UNREAD_COUNT_KEY : null,
    async () => {
      try {
        return await client!.count(UNREAD_COUNT_FILTER);
      } catch (error) {
        // With no network: the count as last known here (changes made offline included).
        const saved = isNetworkFailure(error) ? await offline?.unreadCount() : undefined;
        if (saved !== undefined) return saved;
        throw error;
      }
    },
    { revalidateOnFocus: true },
  );
  useEffect(() => {
    if (data !== undefined) offline?.rememberUnreadCount(data);
  }, [data, offline]);
  return { count: data, error: error as Error | undefined, isLoading, mutate };
}

/**
 * Subscriber (one per page): a change applied here moves the cached count at once; the server's
 * count replaces it once the change settles, and after any change made elsewhere.
 */
export function followUnreadCount(bus: ChangeBus, mutate: ScopedMutator): () => void {
  return bus.subscribe((change) => {
    if (change.phase === "pending") {
      const unread = change.unread;
      if (!unread) return;
      if ("to" in unread) void mutate<number>(UNREAD_COUNT_KEY, unread.to, { revalidate: false });
      else if (unread.by !== 0) void mutate<number>(UNREAD_COUNT_KEY, (n) => (n === undefined ? n : Math.max(0, n + unread.by)), { revalidate: false });
      return;
    }
    void mutate(UNREAD_COUNT_KEY);
  });
}
