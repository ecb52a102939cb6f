// This browser's endpoint registration, kept in IndexedDB (idb-keyval) so it survives reloads and
// the service worker can read it too: database "inbox-push", store "endpoint", key "current".
import { createStore, del, get, set, type UseStore } from "idb-keyval";
import type { EndpointPlatform } from "@/contracts/endpoint";

export const PUSH_DB_NAME = "inbox-push";
export const PUSH_STORE_NAME = "endpoint";
export const PUSH_STORE_KEY = "current";

export interface StoredEndpoint {
  /** The service's endpoint (UNS) id. */
  id: string;
  platform: EndpointPlatform;
  /** Push endpoint URL and keys as registered; null for platform "web". */
  endpoint: string | null;
  keys: { p256dh: string; auth: string } | null;
  /** The VAPID public key the subscription was made with (base64url). */
  vapidKey: string | null;
  /** Who registered it: MSAL's homeAccountId (tid + oid). */
  user: string;
  /** When it was last registered (ISO), and when the service said it expires. */
  registeredAt: string;
  expirationDateTime: string | null;
}

export interface EndpointStore {
  load(): Promise<StoredEndpoint | undefined>;
  save(value: StoredEndpoint): Promise<void>;
  clear(): Promise<void>;
}

// Mirrors the stored id for synchronous readers (the API client's X-Endpoint-Id on every request).
let currentId: string | undefined;

/** This browser's endpoint id, once loaded or registered in this page. */
export function currentEndpointId(): string | undefined {
  return currentId;
}

let store: UseStore | undefined;
function idb(): UseStore {
  store ??= createStore(PUSH_DB_NAME, PUSH_STORE_NAME);
  return store;
}

function isStoredEndpoint(value: unknown): value is StoredEndpoint {
  if (!value || typeof value !== "object") return false;
  const v = value as Partial<StoredEndpoint>;
  return typeof v.id === "string" && typeof v.user === "string" && (v.platform === "web" || v.platform === "webPush");
}

export const idbEndpointStore: EndpointStore = {
  async load() {
    try {
      const value: unknown = await get(PUSH_STORE_KEY, idb());
      const stored = isStoredEndpoint(value) ? value : undefined;
      currentId = stored?.id;
      return stored;
    } catch {
      // Private modes can refuse IndexedDB: behave as a browser that registered nothing yet.
      return undefined;
    }
  },
  async save(value) {
    currentId = value.id;
    await set(PUSH_STORE_KEY, value, idb()).catch(() => undefined);
  },
  async clear() {
    currentId = undefined;
    await del(PUSH_STORE_KEY, idb()).catch(() => undefined);
  },
};
