// Where live changes meet SWR: this page's live feed (every tab publishes here what it heard, from
// its own stream, from the tab holding the stream, or from delta), and the one function a list hook
// calls to keep its cache in step with it. The badge's count is set in place the same way.
import type { Arguments, ScopedMutator } from "swr";
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

/** A hook's own bound mutate (useSWRInfinite's or useSWR's) and what its list holds. */
export interface BoundListTarget<T extends ListData> {
  mutate: (update: (current?: T) => T | undefined, options: { revalidate: false }) => unknown;
  scope: ListScope;
}

/** SWR's global mutate (useSWRConfig) and which of its keys are lists: their scope, or undefined for other keys. */
export interface KeyedListTarget {
  mutate: ScopedMutator;
  matchKey: (key: Arguments) => ListScope | undefined;
}

/**
 * Applies one batch of live changes in place to the target's cache, never revalidating. With a key
 * matcher, each matching key (one page each, or pages) is edited with its own scope. SWR's filter
 * form skips useSWRInfinite's keys: a useSWRInfinite list passes its own bound mutate instead.
 */
export function applyLiveChanges<T extends ListData>(target: BoundListTarget<T> | KeyedListTarget, changes: readonly LiveChange[]): void {
  if (changes.length === 0) return;
  if ("scope" in target) {
    void target.mutate((current) => applyChangesToList(current, changes, target.scope), { revalidate: false });
    return;
  }
  // The filter is asked about every key: note each list's key and scope, change none here.
  const lists: [Arguments, ListScope][] = [];
  void target.mutate(
    (key) => {
      const scope = target.matchKey(key);
      if (scope) lists.push([key, scope]);
      return false;
    },
    undefined,
    { revalidate: false },
  );
  for (const [key, scope] of lists) {
    void target.mutate<ListData>(key, (current?: ListData) => applyChangesToList(current, changes, scope), { revalidate: false });
  }
}

/**
 * What a list hook calls once (in an effect; it returns the unsubscribe function): every live
 * change from now on is applied to its cache in place.
 */
export function followLiveChanges<T extends ListData>(target: BoundListTarget<T> | KeyedListTarget, feed: LiveFeed = liveChanges): () => void {
  return feed.subscribe((changes) => applyLiveChanges(target, changes));
}

/** The badge's cache takes the service's count as is. */
export function applyUnreadCount(mutate: ScopedMutator, count: number): void {
  void mutate<number>(UNREAD_COUNT_KEY, count, { revalidate: false });
}
