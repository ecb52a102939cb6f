// Notification actions taken while offline, kept in IndexedDB until a
// background sync (or the next push) replays them in the order they were taken.
import { createStore, del, entries, get, set, type UseStore } from "idb-keyval";
import type { PendingAction } from "./notification-actions";

let store: UseStore | undefined;
// Opened lazily: the worker's first event, not its script evaluation, pays for IndexedDB.
function actions(): UseStore {
  store ??= createStore("inbox-sw", "pending-actions");
  return store;
}

let stateStore: UseStore | undefined;
function state(): UseStore {
  stateStore ??= createStore("inbox-sw-state", "state");
  return stateStore;
}

/** Key that sorts by the time the user acted, then by id and action (one entry per triple). */
function keyOf(entry: PendingAction): string {
  return `${entry.actionTime}|${entry.id}|${entry.action}`;
}

export async function enqueueAction(entry: PendingAction): Promise<void> {
  await set(keyOf(entry), entry, actions());
}

export async function pendingActions(): Promise<[string, PendingAction][]> {
  const all = await entries<string, PendingAction>(actions());
  return all.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export async function removeAction(key: string): Promise<void> {
  await del(key, actions());
}

/** The last unread count the worker set as the badge (the Badging API cannot be read back). */
export async function lastUnreadCount(): Promise<number | undefined> {
  return get<number>("unreadCount", state());
}

export async function rememberUnreadCount(count: number): Promise<void> {
  await set("unreadCount", count, state());
}
