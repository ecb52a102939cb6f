"use client";
// The inbox list: SWR infinite over `@odata.nextLink`, plus the state changes, each optimistic
// (applied to the cache at once) and rolled back if the service refuses.
import { useCallback, useEffect, useMemo, useState } from "react";
import { useSWRConfig } from "swr";
import useSWRInfinite, { unstable_serialize } from "swr/infinite";
import { useApiClient } from "@/lib/api/api-client-context";
import { buildListQuery, type InboxFilters } from "@/lib/api/query";
import type { Notification, NotificationPage, NotificationPatch, UserActionState } from "@/contracts/notification";
import { notificationChanges, publishChange, type ChangeAction } from "@/lib/events/notification-changes";
import { scopeOfFilters } from "@/lib/live/cache-apply";
import { followLiveChanges } from "@/lib/live/live-cache";
import { flattenPages, mapItems, patchItem, removeItem, replaceItem, unreadDelta } from "./notification-pages";

type PageKey = readonly ["notifications", string, string | null];

export function useNotifications(filters: InboxFilters) {
  const client = useApiClient();
  const firstQuery = buildListQuery(filters);

  const getKey = useCallback(
    (index: number, previous: NotificationPage | null): PageKey | null => {
      if (!client) return null;
      if (index === 0) return ["notifications", firstQuery, null];
      const next = previous?.["@odata.nextLink"];
      return next ? ["notifications", firstQuery, next] : null;
    },
    [client, firstQuery],
  );

  // Every group seen this session, so the group filter keeps offering the others while one is picked.
  const [groups, setGroups] = useState<string[]>([]);
  const rememberGroups = useCallback((pages: NotificationPage[]) => {
    setGroups((known) => {
      const next = new Set(known);
      for (const item of flattenPages(pages)) if (item.groupName) next.add(item.groupName);
      return next.size === known.length ? known : [...next].sort((a, b) => a.localeCompare(b));
    });
  }, []);

  const { data, error, isLoading, isValidating, size, setSize, mutate } = useSWRInfinite(
    getKey,
    ([, , nextLink]: PageKey) => (nextLink ? client!.listPage(nextLink) : client!.listNotifications(filters)),
    // Coming back (focus, online) is caught up with delta by use-live-sync, not by refetching every page.
    { revalidateOnFocus: false, revalidateOnReconnect: false, revalidateFirstPage: true, onSuccess: rememberGroups },
  );

  const items = useMemo(() => flattenPages(data), [data]);
  const lastPage = data?.[data.length - 1];
  const hasMore = Boolean(lastPage?.["@odata.nextLink"]);
  const isLoadingMore = size > 0 && data !== undefined && data.length < size;

  // Changes made elsewhere (live stream, delta catch-up) are applied to the loaded pages in place.
  const { cache, mutate: mutateCache } = useSWRConfig();
  const listKey = unstable_serialize(getKey);
  useEffect(() => {
    const scope = scopeOfFilters(filters);
    return followLiveChanges({ cache, mutate: mutateCache, matchKey: (key) => (key === listKey ? scope : undefined) });
  }, [cache, mutateCache, listKey, filters]);

  // Each change below is published on the change bus: the unread count, the OS notification and the
  // other tabs follow it there.
  const update = useCallback(
    async (item: Notification, patch: NotificationPatch, action: ChangeAction): Promise<Notification | undefined> => {
      if (!client) return undefined;
      let updated: Notification | undefined;
      await publishChange(notificationChanges, { action, ids: [item.id], unread: { by: unreadDelta(item, patch) } }, () =>
        mutate(
          async (pages) => {
            updated = await client.updateNotification(item.id, patch);
            return replaceItem(pages, updated);
          },
          { optimisticData: (pages) => patchItem(pages, item.id, patch) ?? [], rollbackOnError: true, populateCache: true, revalidate: false },
        ),
      );
      return updated;
    },
    [client, mutate],
  );

  const setRead = useCallback((item: Notification, read: boolean) => update(item, { readState: read ? "read" : "unread" }, read ? "read" : "unread"), [update]);
  const dismiss = useCallback((item: Notification) => update(item, { userActionState: "dismissed" }, "dismiss"), [update]);
  const snooze = useCallback((item: Notification, until: Date) => update(item, { userActionState: "snoozed", snoozedUntilDateTime: until.toISOString() }, "snooze"), [update]);
  /** Ends a snooze now (or undoes one): the item takes `state` again, noInteraction unless told. */
  const unsnooze = useCallback(
    (item: Notification, state: Exclude<UserActionState, "snoozed"> = "noInteraction") => update(item, { userActionState: state, snoozedUntilDateTime: null }, "unsnooze"),
    [update],
  );
  /** Opening an item is "activating" it in Graph's terms, and reading it. */
  const activate = useCallback((item: Notification) => update(item, { userActionState: "activated", readState: "read" }, "activate"), [update]);

  const remove = useCallback(
    async (item: Notification) => {
      if (!client) return;
      const unread = { by: item.status === "active" && item.readState === "unread" ? -1 : 0 };
      await publishChange(notificationChanges, { action: "delete", ids: [item.id], unread }, () =>
        mutate(
          async (pages) => {
            await client.deleteNotification(item.id);
            return removeItem(pages, item.id);
          },
          { optimisticData: (pages) => removeItem(pages, item.id) ?? [], rollbackOnError: true, populateCache: true, revalidate: false },
        ),
      );
    },
    [client, mutate],
  );

  /** Marks every unread item read, or only those of one group (what the group filter shows). */
  const markAllRead = useCallback(
    async (groupName?: string) => {
      if (!client) return;
      const inScope = (item: { groupName: string | null }) => groupName === undefined || item.groupName === groupName;
      const markRead = (pages: Parameters<typeof mapItems>[0]) =>
        mapItems(pages, (item) => (inScope(item) ? { ...item, readState: "read" } : item));
      // Everything read means a count of 0 at once; one group's share is known only to the server.
      const unread = groupName === undefined ? { to: 0 } : undefined;
      await publishChange(notificationChanges, { action: "markAllRead", ids: [], unread }, () =>
        mutate(
          async (pages) => {
            await client.markAllAsRead(groupName === undefined ? {} : { groupName });
            return markRead(pages);
          },
          {
            optimisticData: (pages) => markRead(pages) ?? [],
            rollbackOnError: true,
            populateCache: true,
            // Items beyond the loaded pages changed too: fetch the truth afterwards.
            revalidate: true,
          },
        ),
      );
    },
    [client, mutate],
  );

  return {
    items,
    groups,
    error: error as Error | undefined,
    isLoading,
    isValidating,
    isLoadingMore,
    hasMore,
    loadMore: () => setSize(size + 1),
    reload: () => mutate(),
    setRead,
    dismiss,
    snooze,
    unsnooze,
    activate,
    remove,
    markAllRead,
  };
}
