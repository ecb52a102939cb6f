"use client";
// The inbox list: SWR infinite over `@odata.nextLink`, plus the state changes. Each change is applied
// to the loaded pages at once, in place (only the page holding the item is copied), and undone if the
// service refuses; no change refetches the loaded pages. Changes made elsewhere arrive from the live
// stream and delta catch-up (lib/live/, followed below); returning to a cached view catches up its
// first page (catchUp). Offline (lib/offline/), the first page comes from what this browser kept, and
// changes are queued, still shown at once, and sent in order when the network is back.
import { useCallback, useEffect, useEffectEvent, useMemo, useRef, useState } from "react";
import { useSWRConfig } from "swr";
import useSWRInfinite, { unstable_serialize } from "swr/infinite";
import { useApiClient } from "@/lib/api/api-client-context";
import { buildListQuery, type InboxFilters } from "@/lib/api/query";
import type { Notification, NotificationPage, NotificationPatch, UserActionState } from "@/contracts/notification";
import { notificationChanges, publishChange, type ChangeAction } from "@/lib/events/notification-changes";
import { scopeOfFilters } from "@/lib/live/cache-apply";
import { followLiveChanges } from "@/lib/live/live-cache";
import { isNetworkFailure, type QueuedOp } from "@/lib/offline/change-queue";
import { notificationTitle } from "@/lib/format/notification-title";
import { catchUp } from "./catch-up";
import { createItemOrder } from "./item-order";
import { useOffline, useOfflineState } from "./use-offline";
import { flattenPages, mapItems, patchItem, removeItem, replaceItem, restoreItem, unreadDelta, type Pages } from "./notification-pages";

type PageKey = readonly ["notifications", string, string | null];

/** The SWR key of page `index` of a list: its first query and the link that led to it. */
function pageKeyAt(firstQuery: string, pages: NotificationPage[], index: number): PageKey {
  return ["notifications", firstQuery, index === 0 ? null : (pages[index - 1]?.["@odata.nextLink"] ?? null)];
}

export function useNotifications(filters: InboxFilters) {
  const client = useApiClient();
  const { mutate: mutateKey } = useSWRConfig();
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
  // Pages already read for groups: a page load reads its own page, not all 200 before it.
  const [readForGroups] = useState(() => new WeakSet<NotificationPage>());
  const rememberGroups = useCallback(
    (pages: Pages) => {
      const found = new Set<string>();
      for (const page of pages ?? []) {
        if (readForGroups.has(page)) continue;
        readForGroups.add(page);
        for (const item of page.value) if (item.groupName) found.add(item.groupName);
      }
      if (found.size === 0) return;
      setGroups((known) => {
        const next = new Set([...known, ...found]);
        return next.size === known.length ? known : [...next].sort((a, b) => a.localeCompare(b));
      });
    },
    [readForGroups],
  );

  const offline = useOffline();
  const { connection } = useOfflineState();
  /** The first page from the service; with no network, as this browser last saw it (offline-db). */
  const firstPage = useCallback(async () => {
    try {
      return await client!.listNotifications(filters);
    } catch (error) {
      const saved = isNetworkFailure(error) ? await offline?.savedFirstPage(firstQuery) : undefined;
      if (saved) return saved;
      throw error;
    }
  }, [client, filters, firstQuery, offline]);

  const { data, error, isLoading, isValidating, size, setSize, mutate } = useSWRInfinite(
    getKey,
    ([, , nextLink]: PageKey) => (nextLink ? client!.listPage(nextLink) : firstPage()),
    {
      // Refetching the first page on every load of another one, or every loaded page on focus, is what
      // froze large inboxes. Coming back (focus, online, visible) is caught up with delta by
      // use-live-sync; returning to a cached view catches up its first page (below).
      revalidateFirstPage: false,
      revalidateOnFocus: false,
      revalidateOnReconnect: false,
      onSuccess: rememberGroups,
    },
  );

  // The first page as shown now (changes made here and heard live included) is kept for offline starts.
  const shownFirst = data?.[0];
  useEffect(() => {
    if (!shownFirst || !offline) return;
    const timer = setTimeout(() => offline.saveFirstPage(firstQuery, shownFirst), 300);
    return () => clearTimeout(timer);
  }, [shownFirst, firstQuery, offline]);

  const items = useMemo(() => flattenPages(data), [data]);
  const lastPage = data?.[data.length - 1];
  const hasMore = Boolean(lastPage?.["@odata.nextLink"]);
  const isLoadingMore = hasMore && data !== undefined && size > data.length && isValidating;

  // Changes made elsewhere (live stream, delta catch-up) are applied to the loaded pages in place.
  const { cache, mutate: mutateCache } = useSWRConfig();
  const listKey = unstable_serialize(getKey);
  useEffect(() => {
    const scope = scopeOfFilters(filters);
    return followLiveChanges({ cache, mutate: mutateCache, matchKey: (key) => (key === listKey ? scope : undefined) });
  }, [cache, mutateCache, listKey, filters]);
  /**
   * Applies an edit to the loaded pages without fetching, and writes each page it changed into that
   * page's own SWR entry as well: SWR infinite compares the two when it next loads a page, and
   * refetches every page where they differ.
   */
  const applyPages = useCallback(
    async (edit: (pages: Pages) => Pages) => {
      let before: Pages;
      let after: Pages;
      // By the list's own key, not useSWRInfinite's mutate: that one follows the current view, so an
      // answer arriving after a view switch would edit (and empty) the view switched to.
      await mutateKey<NotificationPage[]>(
        unstable_serialize(getKey),
        (pages) => {
          before = pages;
          after = edit(pages);
          return after;
        },
        { revalidate: false },
      );
      after?.forEach((page, i) => {
        if (page !== before?.[i]) void mutateKey(pageKeyAt(firstQuery, after!, i), page, { revalidate: false });
      });
    },
    [firstQuery, getKey, mutateKey],
  );

  const [catchUpError, setCatchUpError] = useState<Error | undefined>(undefined);
  // Whether the current view has loaded: before that, catching up would be a mutation of an empty
  // cache, and SWR drops the answer of a load that a mutation overtook (the list stayed empty).
  const loaded = useRef(false);
  useEffect(() => {
    loaded.current = data !== undefined;
  });
  const catchUpNow = useCallback(() => {
    if (!client || !loaded.current) return Promise.resolve();
    return catchUp({
      fetchFirstPage: async () => {
        const fresh = await client.listNotifications(filters);
        rememberGroups([fresh]);
        return fresh;
      },
      apply: applyPages,
    }).then(
      () => setCatchUpError(undefined),
      // Offline, the page's offline notice says it; the list stays as last known.
      (e: unknown) => setCatchUpError(isNetworkFailure(e) ? undefined : (e as Error)),
    );
  }, [applyPages, client, filters, rememberGroups]);

  // Returning to a view the cache still holds shows it at once, then catches up its first page.
  // A first load needs no catching up.
  const catchUpIfCached = useEffectEvent(() => {
    if (data !== undefined) void catchUpNow();
  });
  useEffect(() => catchUpIfCached(), [firstQuery, client]);

  /** The next page, once; also retries a page whose answer SWR set aside for a newer change. Not while offline. */
  const loadMore = useCallback(() => {
    if (!data || !hasMore || isValidating || connection !== "online") return;
    if (size > data.length) void mutate(data, { revalidate: true });
    else void setSize(data.length + 1);
  }, [connection, data, hasMore, isValidating, mutate, setSize, size]);

  /**
   * Sends a change, or — with the service out of reach, or earlier offline changes still waiting —
   * queues it (lib/offline/): the page keeps showing it, and it is sent in order when the network is
   * back. True when it was queued.
   */
  const sendOrQueue = useCallback(
    async (op: QueuedOp, title: string | undefined, send: () => Promise<void>): Promise<boolean> => {
      if (offline?.shouldQueue()) {
        await offline.enqueue(op, title);
        return true;
      }
      try {
        await send();
        return false;
      } catch (error) {
        if (!offline || !isNetworkFailure(error)) throw error;
        await offline.enqueue(op, title);
        return true;
      }
    },
    [offline],
  );

  // One item's changes go out in the order they were made (./item-order.ts).
  const [inItemOrder] = useState(createItemOrder);

  // Each change below is published on the change bus: the unread count, the OS notification and the
  // other tabs follow it there.
  const update = useCallback(
    async (item: Notification, patch: NotificationPatch, action: ChangeAction): Promise<Notification | undefined> => {
      if (!client) return undefined;
      let updated: Notification | undefined;
      await publishChange(notificationChanges, { action, ids: [item.id], unread: { by: unreadDelta(item, patch) } }, async () => {
        await applyPages((pages) => patchItem(pages, item.id, patch));
        await inItemOrder(item.id, async (isLatest) => {
          try {
            await sendOrQueue({ kind: "update", id: item.id, patch, action }, notificationTitle(item), async () => {
              updated = await client.updateNotification(item.id, patch);
            });
          } catch (e) {
            if (isLatest()) await applyPages((pages) => replaceItem(pages, item));
            throw e;
          }
          if (updated && isLatest()) await applyPages((pages) => replaceItem(pages, updated!));
        });
      });
      return updated;
    },
    [applyPages, client, inItemOrder, sendOrQueue],
  );

  const setRead = useCallback((item: Notification, read: boolean) => update(item, { readState: read ? "read" : "unread" }, read ? "read" : "unread"), [update]);
  const dismiss = useCallback((item: Notification) => update(item, { userActionState: "dismissed" }, "dismiss"), [update]);
  const snooze = useCallback((item: Notification, until: Date) => update(item, { userActionState: "snoozed", snoozedUntilDateTime: until.toISOString() }, "snooze"), [update]);
  /** Ends a snooze now (or undoes one): the item takes `state` again, noInteraction unless told. */
  const unsnooze = useCallback(
    (item: Notification, state: Exclude<UserActionState, "snoozed"> = "noInteraction") => update(item, { userActionState: state, snoozedUntilDateTime: null }, "unsnooze"),
    [update],
  );
  /** Puts an item's action state back as it was (an undone dismissal). */
  const restore = useCallback(
    (item: Notification, state: Exclude<UserActionState, "snoozed">) => update(item, { userActionState: state }, "restore"),
    [update],
  );
  /** Opening an item is "activating" it in Graph's terms, and reading it. */
  const activate = useCallback((item: Notification) => update(item, { userActionState: "activated", readState: "read" }, "activate"), [update]);

  const remove = useCallback(
    async (item: Notification) => {
      if (!client) return;
      const unread = { by: item.status === "active" && item.readState === "unread" ? -1 : 0 };
      await publishChange(notificationChanges, { action: "delete", ids: [item.id], unread }, async () => {
        await applyPages((pages) => removeItem(pages, item.id));
        await inItemOrder(item.id, async (isLatest) => {
          try {
            await sendOrQueue({ kind: "delete", id: item.id }, notificationTitle(item), () => client.deleteNotification(item.id));
          } catch (e) {
            if (isLatest()) await applyPages((pages) => restoreItem(pages, item));
            throw e;
          }
        });
      });
    },
    [applyPages, client, inItemOrder, sendOrQueue],
  );

  /** Marks every unread item read, or only those of one group (what the group filter shows). */
  const markAllRead = useCallback(
    async (groupName?: string) => {
      if (!client) return;
      const marked = new Set<string>();
      let queued = false;
      const inScope = (item: Notification) => item.readState === "unread" && (groupName === undefined || item.groupName === groupName);
      // Everything read means a count of 0 at once; one group's share is known only to the server.
      const unread = groupName === undefined ? { to: 0 } : undefined;
      await publishChange(notificationChanges, { action: "markAllRead", ids: [], unread }, async () => {
        await applyPages((pages) =>
          mapItems(pages, (item) => {
            if (!inScope(item)) return item;
            marked.add(item.id);
            return { ...item, readState: "read" };
          }),
        );
        try {
          // Queued, it is sent with `before` = now: items that arrive in between stay unread.
          queued = await sendOrQueue({ kind: "markAllRead", ...(groupName === undefined ? {} : { groupName }) }, undefined, async () => {
            await client.markAllAsRead(groupName === undefined ? {} : { groupName });
          });
        } catch (e) {
          await applyPages((pages) => mapItems(pages, (item) => (marked.has(item.id) ? { ...item, readState: "unread" } : item)));
          throw e;
        }
      });
      // Items beyond the loaded pages changed too (and leave an Unread view): the first page's truth.
      if (!queued) void catchUpNow();
    },
    [applyPages, catchUpNow, client, sendOrQueue],
  );

  const reload = useCallback(async () => {
    // Only what is missing or failed is fetched; the loaded pages are caught up, not refetched.
    await Promise.all([mutate((pages) => pages, { revalidate: true }), data ? catchUpNow() : undefined]);
  }, [catchUpNow, data, mutate]);

  return {
    items,
    groups,
    error: (error as Error | undefined) ?? catchUpError,
    isLoading,
    isValidating,
    isLoadingMore,
    hasMore,
    loadMore,
    reload,
    setRead,
    dismiss,
    snooze,
    unsnooze,
    restore,
    activate,
    remove,
    markAllRead,
  };
}
