// Notification actions taken while offline, and receipts the worker could not
// send, kept in IndexedDB until a background sync (or the next push, or
// activate) replays them in the order they happened.
import { createStore, del, entries, get, set, type UseStore } from "idb-keyval";
import { queueKey, type QueuedEntry } from "./receipts";

let store: UseStore | undefined;
// Opened lazily: the worker's first event, not its script evaluation, pays for IndexedDB.
function queue(): UseStore {
  store ??= createStore("inbox-sw", "pending-actions");
  return store;
}

let stateStore: UseStore | undefined;
function state(): UseStore {
  stateStore ??= createStore("inbox-sw-state", "state");
  return stateStore;
}

// One store for both (the store keeps its first name): an entry without `receipt` is an action.
export async function enqueue(entry: QueuedEntry): Promise<void> {
  await set(queueKey(entry), entry, queue());
}

export async function pendingEntries(): Promise<[string, QueuedEntry][]> {
  const all = await entries<string, QueuedEntry>(queue());
  return all.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export async function removeEntry(key: string): Promise<void> {
  await del(key, queue());
}

/** The last unread count the worker set as the badge (the Badging API cannot be read back). */
export async function lastUnreadCount(): Promise<number | undefined> {
  return get<number>("unreadCount", state());
}

export async function rememberUnreadCount(count: number): Promise<void> {
  await set("unreadCount", count, state());
}
