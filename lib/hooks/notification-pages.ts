// Pure edits of SWR's infinite cache (an array of pages), shared by the optimistic mutations.
import type { Notification, NotificationPage, NotificationPatch } from "@/contracts/notification";

export type Pages = NotificationPage[] | undefined;

export function mapItems(pages: Pages, fn: (item: Notification) => Notification): Pages {
  return pages?.map((page) => ({ ...page, value: page.value.map(fn) }));
}

export function patchItem(pages: Pages, id: string, patch: NotificationPatch): Pages {
  return mapItems(pages, (item) => (item.id === id ? { ...item, ...patch } : item));
}

export function replaceItem(pages: Pages, updated: Notification): Pages {
  return mapItems(pages, (item) => (item.id === updated.id ? updated : item));
}

export function removeItem(pages: Pages, id: string): Pages {
  return pages?.map((page) => ({ ...page, value: page.value.filter((item) => item.id !== id) }));
}

/** Every loaded item once, in page order (a keyset page boundary can repeat an item after inserts). */
export function flattenPages(pages: Pages): Notification[] {
  const seen = new Set<string>();
  const items: Notification[] = [];
  for (const page of pages ?? []) {
    for (const item of page.value) {
      if (seen.has(item.id)) continue;
      seen.add(item.id);
      items.push(item);
    }
  }
  return items;
}

/** How an item's change moves the unread badge (which counts unread, active items). */
export function unreadDelta(item: Notification, patch: NotificationPatch): number {
  if (item.status !== "active" || patch.readState === undefined || patch.readState === item.readState) return 0;
  return patch.readState === "unread" ? 1 : -1;
}
