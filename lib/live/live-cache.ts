// Where live changes meet SWR: this page's live feed (every tab publishes here what it heard, from
// its own stream, from the tab holding the stream, or from delta), and the one function a list hook
// calls to keep its cache in step with it. The badge's count is set in place the same way.
import type { ScopedMutator } from "swr";
import { UNREAD_COUNT_KEY } from "@/lib/hooks/use-unread-count";
import { applyChangesToList, type ListData, type ListScope } from "./cache-apply";
import type { LiveChange } from "./live-messages";

export type LiveChangesListener = (changes: readonly LiveChange[]) => void;

export interface LiveFeed {
  publish(changes: readonly LiveChange[]): void;
  subscribe(listener: LiveChangesListener): () => void;
}

export function createLiveFeed(): LiveFeed {
  const listeners = new Set<LiveChangesListener>();
  return {
    publish(changes) {
      if (changes.length === 0) return;
      for (const listener of [...listeners]) {
        try {
          listener(changes);
        } catch (error) {
          if (typeof globalThis.reportError === "function") globalThis.reportError(error);
        }
      }
    },
    subscribe(listener) {
      const entry: LiveChangesListener = (changes) => listener(changes);
      listeners.add(entry);
      return () => void listeners.delete(entry);
    },
  };
}

/** This page's feed (use-live-sync publishes; list hooks follow). */
export const liveChanges: LiveFeed = createLiveFeed();

/** The part of SWR's cache read here (useSWRConfig().cache): each key's state. */
export interface CacheLike {
  keys(): IterableIterator<string>;
  get(key: string): { data?: unknown; isValidating?: boolean } | undefined;
}

/**
 * SWR's cache and global mutate (useSWRConfig()), and which cache keys are lists: `matchKey` gets
 * SWR's serialized key — compare it with `unstable_serialize(getKey)` from "swr/infinite" for a
 * useSWRInfinite list, or `unstable_serialize(key)` from "swr" for one page per key — and answers
 * the list's scope, or undefined for other keys.
 */
export interface LiveListTarget {
  cache: CacheLike;
  mutate: ScopedMutator;
  matchKey: (key: string) => ListScope | undefined;
}

/** How long changes wait for a list's fetch to finish, checked every RETRY_MS. */
const WAIT_FOR_FETCH_MS = 10_000;
const RETRY_MS = 50;

function listsOf(target: LiveListTarget): [string, ListScope][] {
  const lists: [string, ListScope][] = [];
  for (const key of target.cache.keys()) {
    const scope = target.matchKey(key);
    if (scope) lists.push([key, scope]);
  }
  return lists;
}

/** Applies changes in place to every list the matcher names, now; only where something changes, never revalidating. */
export function applyLiveChanges(target: LiveListTarget, changes: readonly LiveChange[]): void {
  if (changes.length === 0) return;
  for (const [key, scope] of listsOf(target)) {
    const current = target.cache.get(key)?.data as ListData | undefined;
    const next = applyChangesToList(current, changes, scope);
    if (next !== current) void target.mutate(key, next, { revalidate: false });
  }
}

/**
 * What a list hook calls once, in an effect (it returns the unsubscribe function): every live
 * change from now on is applied to its cache in place, in order. While one of its lists is being
 * fetched the changes wait for the fetch to finish: SWR discards a fetch that a mutation overtook,
 * so an edit landing mid-fetch (the first load, a "Load more") would lose the fetched pages.
 */
export function followLiveChanges(target: LiveListTarget, feed: LiveFeed = liveChanges): () => void {
  let queue: LiveChange[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let waited = 0;
  const drain = () => {
    timer = undefined;
    if (queue.length === 0) return;
    const busy = listsOf(target).some(([key]) => target.cache.get(key)?.isValidating);
    if (busy && waited < WAIT_FOR_FETCH_MS) {
      waited += RETRY_MS;
      timer = setTimeout(drain, RETRY_MS);
      return;
    }
    const changes = queue;
    queue = [];
    waited = 0;
    applyLiveChanges(target, changes);
  };
  const unsubscribe = feed.subscribe((changes) => {
    queue = [...queue, ...changes];
    if (timer === undefined) drain();
  });
  return () => {
    unsubscribe();
    clearTimeout(timer);
  };
}

/** The badge's cache takes the service's count as is. */
export function applyUnreadCount(mutate: ScopedMutator, count: number): void {
  void mutate<number>(UNREAD_COUNT_KEY, count, { revalidate: false });
}
