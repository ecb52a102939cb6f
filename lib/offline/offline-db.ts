// What the PWA keeps in IndexedDB (through `idb`) so it starts and stays useful with no network:
// database "inbox-offline" — the runtime configuration, the first page of each inbox view as last
// seen, the unread count and when the inbox last synced, and the queue of changes made offline.
// One home for the schema; lib/offline/*.ts read and write it. Sign-out clears a user's entries.
import { openDB, type DBSchema, type IDBPDatabase } from "idb";
import type { NotificationPage } from "@/contracts/notification";
import type { RuntimeConfig } from "@/lib/runtime-config";
import type { QueuedChange } from "./change-queue";

export const OFFLINE_DB_NAME = "inbox-offline";
const VERSION = 1;

/** The first page of one inbox view (its list query) as this browser last had it. */
export interface SavedPage {
  user: string;
  query: string;
  page: NotificationPage;
  savedAt: string;
}

/** Per user: the unread count last known and when this browser last heard from the service. */
export interface SyncState {
  user: string;
  unreadCount?: number;
  lastSyncedAt?: string;
}

interface OfflineSchema extends DBSchema {
  config: { key: string; value: RuntimeConfig };
  pages: { key: [string, string]; value: SavedPage; indexes: { byUser: string } };
  queue: { key: number; value: QueuedChange; indexes: { byUser: string } };
  sync: { key: string; value: SyncState };
}

export type OfflineDb = IDBPDatabase<OfflineSchema>;

let opening: Promise<OfflineDb> | undefined;

/** The database, opened once per page; undefined where IndexedDB is missing (or refuses, e.g. private modes). */
export async function offlineDb(): Promise<OfflineDb | undefined> {
  if (typeof indexedDB === "undefined") return undefined;
  opening ??= openDB<OfflineSchema>(OFFLINE_DB_NAME, VERSION, {
    upgrade(db) {
      db.createObjectStore("config");
      db.createObjectStore("pages", { keyPath: ["user", "query"] }).createIndex("byUser", "user");
      db.createObjectStore("queue", { keyPath: "seq", autoIncrement: true }).createIndex("byUser", "user");
      db.createObjectStore("sync", { keyPath: "user" });
    },
    // Another tab opened a newer version: let it, and open again next time.
    blocking() {
      void opening?.then((db) => db.close());
      opening = undefined;
    },
  });
  try {
    return await opening;
  } catch {
    opening = undefined;
    return undefined;
  }
}

const RUNTIME_CONFIG_KEY = "runtime-config";

export async function saveRuntimeConfig(config: RuntimeConfig): Promise<void> {
  await (await offlineDb())?.put("config", config, RUNTIME_CONFIG_KEY);
}

export async function loadRuntimeConfig(): Promise<RuntimeConfig | undefined> {
  return (await offlineDb())?.get("config", RUNTIME_CONFIG_KEY);
}

export async function saveFirstPage(user: string, query: string, page: NotificationPage): Promise<void> {
  await (await offlineDb())?.put("pages", { user, query, page, savedAt: new Date().toISOString() });
}

export async function loadFirstPage(user: string, query: string): Promise<SavedPage | undefined> {
  return (await offlineDb())?.get("pages", [user, query]);
}

export async function loadSyncState(user: string): Promise<SyncState | undefined> {
  return (await offlineDb())?.get("sync", user);
}

export async function saveSyncState(state: SyncState): Promise<void> {
  const db = await offlineDb();
  if (!db) return;
  const tx = db.transaction("sync", "readwrite");
  const before = await tx.store.get(state.user);
  await tx.store.put({ ...before, ...state });
  await tx.done;
}

/** The IndexedDB half of the change queue (lib/offline/change-queue.ts names the operations). */
export const idbQueueStore = {
  async add(change: QueuedChange): Promise<number> {
    const db = await offlineDb();
    if (!db) throw new Error("This browser cannot keep changes made offline (no IndexedDB).");
    return db.add("queue", change);
  },
  async list(user: string): Promise<QueuedChange[]> {
    // Keys grow with every add: the index's order by key is the order the changes were made.
    return (await (await offlineDb())?.getAllFromIndex("queue", "byUser", user)) ?? [];
  },
  async remove(seq: number): Promise<void> {
    await (await offlineDb())?.delete("queue", seq);
  },
};

/** Everything kept for `user`: their pages, count, sync time and queued changes (sign-out). */
export async function clearOfflineData(user: string): Promise<void> {
  const db = await offlineDb();
  if (!db) return;
  const tx = db.transaction(["pages", "queue", "sync"], "readwrite");
  const stores = [tx.objectStore("pages").index("byUser"), tx.objectStore("queue").index("byUser")] as const;
  for (const index of stores) {
    for (let cursor = await index.openCursor(user); cursor; cursor = await cursor.continue()) await cursor.delete();
  }
  await tx.objectStore("sync").delete(user);
  await tx.done;
}
