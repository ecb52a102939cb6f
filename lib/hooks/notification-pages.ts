// Pure edits of SWR's infinite cache (an array of pages), shared by the optimistic mutations.
import type { Notification, NotificationPage, NotificationPatch } from "@/contracts/notification";

export type Pages = NotificationPage[] | undefined;

/** Maps every item; a page none of whose items changed is kept as it was. */
export function mapItems(pages: Pages, fn: (item: Notification) => Notification): Pages {
  return pages?.map((page) => {
    let changed = false;
    const value = page.value.map((item) => {
      const next = fn(item);
      if (next !== item) changed = true;
      return next;
    });
    return changed ? { ...page, value } : page;
  });
}

/**
 * Edits the one page that holds `id` and keeps every other page (and item) as it was, by reference:
 * a mark-read in a 10,000-item inbox copies 50 items, not 10,000, and SWR sees the other pages unchanged.
 */
function editPageOf(pages: Pages, id: string, edit: (value: Notification[], index: number) => Notification[]): Pages {
  if (!pages) return pages;
  const at = pages.findIndex((page) => page.value.some((item) => item.id === id));
  if (at < 0) return pages;
  const page = pages[at]!;
  const next = [...pages];
  next[at] = { ...page, value: edit(page.value, page.value.findIndex((item) => item.id === id)) };
  return next;
}

export function patchItem(pages: Pages, id: string, patch: NotificationPatch): Pages {
  return editPageOf(pages, id, (value, i) => value.map((item, k) => (k === i ? { ...item, ...patch } : item)));
}

export function replaceItem(pages: Pages, updated: Notification): Pages {
  return editPageOf(pages, updated.id, (value, i) => value.map((item, k) => (k === i ? updated : item)));
}

export function removeItem(pages: Pages, id: string): Pages {
  return editPageOf(pages, id, (value) => value.filter((item) => item.id !== id));
}

/** Puts a removed item back where it belongs: before the first loaded item older than it (newest first). */
export function restoreItem(pages: Pages, item: Notification): Pages {
  if (!pages || pages.length === 0) return pages;
  if (pages.some((page) => page.value.some((i) => i.id === item.id))) return pages;
  for (let p = 0; p < pages.length; p++) {
    const value = pages[p]!.value;
    const at = value.findIndex((i) => i.createdDateTime < item.createdDateTime);
    if (at >= 0) {
      const next = [...pages];
      next[p] = { ...pages[p]!, value: [...value.slice(0, at), item, ...value.slice(at)] };
      return next;
    }
  }
  const last = pages.length - 1;
  const next = [...pages];
  next[last] = { ...pages[last]!, value: [...pages[last]!.value, item] };
  return next;
}

/**
 * Merges a freshly fetched first page into the loaded pages, touching nothing after the first page.
 * A fresh page that is the whole list replaces everything. Otherwise the merged first page is the fresh
 * items, then the old first page's items older than the fresh page's last (pushed down by newer ones,
 * not gone), and it keeps the old first page's nextLink, so the keys of every later page stay the same
 * and none of them is fetched again. Old items inside the fresh page's range but absent from it were
 * deleted or left the view: they go.
 */
export function mergeFirstPage(pages: Pages, fresh: NotificationPage): NotificationPage[] {
  const first = pages?.[0];
  if (!first || !fresh["@odata.nextLink"]) return [fresh];
  const last = fresh.value[fresh.value.length - 1];
  const inFresh = new Set(fresh.value.map((item) => item.id));
  const pushedDown = first.value.filter(
    (item) => !inFresh.has(item.id) && last !== undefined && item.createdDateTime < last.createdDateTime,
  );
  const merged: NotificationPage = { ...first, value: [...fresh.value, ...pushedDown] };
  return [merged, ...pages.slice(1)];
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
