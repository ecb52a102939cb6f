// Pure edits of a cached list for changes heard live (stream or delta): each changed item replaces
// its copy wherever a loaded page has it, leaves the list when it no longer belongs there, and joins
// it when it does and its place (newest first) falls within what is loaded; removals drop the item.
// Nothing is refetched. An unchanged list is returned as the same object, so SWR does not re-render.
import type { Notification, NotificationPage } from "@/contracts/notification";
import type { InboxFilters } from "@/lib/api/query";
import type { LiveChange } from "./live-messages";

/**
 * What a list holds. `includes` answers true (it belongs), false (it does not) or undefined (only
 * the service can tell, e.g. `$search`): such an item is updated in place but never added.
 */
export interface ListScope {
  includes(item: Notification): boolean | undefined;
}

/** The inbox's lists (lib/api/query.ts's filters), as the service filters them. */
export function scopeOfFilters(filters: InboxFilters): ListScope {
  return {
    includes(item) {
      if (item.status !== "active") return false;
      if (filters.view === "unread" && item.readState !== "unread") return false;
      if (filters.view === "dismissed" && item.userActionState !== "dismissed") return false;
      if (filters.group && item.groupName !== filters.group) return false;
      if (filters.search) return undefined;
      return true;
    },
  };
}

/**
 * Nothing to do: the change is older than the copy we have (two sources, stream and delta, may
 * cross), or it is that copy (same version, and no optimistic edit of ours on top of it).
 */
function isStale(incoming: Notification, cached: Notification): boolean {
  if (Date.parse(incoming.lastModifiedDateTime) < Date.parse(cached.lastModifiedDateTime)) return true;
  return (
    incoming["@odata.etag"] === cached["@odata.etag"] &&
    incoming.readState === cached.readState &&
    incoming.userActionState === cached.userActionState &&
    incoming.status === cached.status
  );
}

function applyChange(pages: NotificationPage[], change: LiveChange, scope: ListScope): NotificationPage[] {
  const id = change.kind === "changed" ? change.item.id : change.id;
  const present = pages.some((page) => page.value.some((item) => item.id === id));
  if (change.kind === "removed") {
    return present ? pages.map((page) => ({ ...page, value: page.value.filter((item) => item.id !== id) })) : pages;
  }
  const item = change.item;
  const belongs = scope.includes(item);
  if (present) {
    if (belongs === false) return pages.map((page) => ({ ...page, value: page.value.filter((i) => i.id !== id) }));
    let changed = false;
    const next = pages.map((page) => {
      if (!page.value.some((i) => i.id === id && i !== item && !isStale(item, i))) return page;
      changed = true;
      return { ...page, value: page.value.map((i) => (i.id === id && !isStale(item, i) ? item : i)) };
    });
    return changed ? next : pages;
  }
  if (belongs !== true) return pages;
  return insertByCreated(pages, item);
}

/** Newest first: before the first loaded item created earlier; at the very end only if nothing more is to load. */
function insertByCreated(pages: NotificationPage[], item: Notification): NotificationPage[] {
  const created = Date.parse(item.createdDateTime);
  for (let p = 0; p < pages.length; p++) {
    const value = pages[p]!.value;
    const at = value.findIndex((i) => Date.parse(i.createdDateTime) < created);
    if (at >= 0) return pages.map((page, k) => (k === p ? { ...page, value: [...value.slice(0, at), item, ...value.slice(at)] } : page));
  }
  const last = pages[pages.length - 1];
  if (!last || last["@odata.nextLink"]) return pages;
  return pages.map((page, k) => (k === pages.length - 1 ? { ...page, value: [...page.value, item] } : page));
}

/** SWR infinite's pages, in order of the changes. undefined (not loaded) stays undefined. */
export function applyChangesToPages(pages: NotificationPage[] | undefined, changes: readonly LiveChange[], scope: ListScope): NotificationPage[] | undefined {
  if (!pages) return pages;
  return changes.reduce((acc, change) => applyChange(acc, change, scope), pages);
}

/** A list cached as SWR infinite's pages or as one page. */
export type ListData = NotificationPage[] | NotificationPage;

export function applyChangesToList<T extends ListData>(data: T | undefined, changes: readonly LiveChange[], scope: ListScope): T | undefined {
  if (data === undefined) return data;
  if (Array.isArray(data)) return applyChangesToPages(data, changes, scope) as T;
  const [page] = applyChangesToPages([data as NotificationPage], changes, scope)!;
  return (page === data ? data : page) as T;
}
