"use client";
// Support: another user's inbox, read-only — every state (snoozed included), tombstones on request,
// paged over `@odata.nextLink`. No change bus, no service worker, no writes: nothing here touches
// the user's data or this browser's own notifications.
import { useCallback, useMemo, useState } from "react";
import useSWRInfinite from "swr/infinite";
import { useApiClient } from "@/lib/api/api-client-context";
import { buildSupportListQuery, type SupportInboxFilters } from "@/lib/api/query";
import type { NotificationPage } from "@/contracts/notification";
import { flattenPages } from "./notification-pages";
import { SUPPORT_READ_OPTIONS } from "./support-reads";

type PageKey = readonly ["support", "notifications", string, string, string, string | null];

export function useUserNotifications(userId: string, filters: SupportInboxFilters, reason: string | undefined) {
  const client = useApiClient();
  const firstQuery = buildSupportListQuery(filters);

  const getKey = useCallback(
    (index: number, previous: NotificationPage | null): PageKey | null => {
      if (!client || !reason) return null;
      if (index === 0) return ["support", "notifications", userId, firstQuery, reason, null];
      const next = previous?.["@odata.nextLink"];
      return next ? ["support", "notifications", userId, firstQuery, reason, next] : null;
    },
    [client, userId, firstQuery, reason],
  );

  // Every group seen in this visit, so the group filter keeps offering the others while one is picked.
  const [groups, setGroups] = useState<string[]>([]);
  const rememberGroups = useCallback((pages: NotificationPage[]) => {
    setGroups((known) => {
      const next = new Set(known);
      for (const item of flattenPages(pages)) if (item.groupName) next.add(item.groupName);
      return next.size === known.length ? known : [...next].sort((a, b) => a.localeCompare(b));
    });
  }, []);

  const { data, error, isLoading, size, setSize, mutate } = useSWRInfinite(
    getKey,
    ([, , , , why, nextLink]: PageKey) => (nextLink ? client!.listUserNotificationsPage(nextLink, why) : client!.listUserNotifications(userId, filters, why)),
    { ...SUPPORT_READ_OPTIONS, revalidateFirstPage: false, onSuccess: rememberGroups },
  );

  const items = useMemo(() => flattenPages(data), [data]);
  const hasMore = Boolean(data?.[data.length - 1]?.["@odata.nextLink"]);
  const isLoadingMore = size > 0 && data !== undefined && data.length < size;

  return {
    items,
    groups,
    error: error as Error | undefined,
    isLoading,
    isLoadingMore,
    hasMore,
    loadMore: () => setSize(size + 1),
    reload: () => mutate(),
  };
}
