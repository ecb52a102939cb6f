import { describe, expect, it, vi } from "vitest";
import { fakeNotificationsWorker, type FakeNotificationsWorker } from "@/testing/fake-notifications-worker";
import { anEndpoint } from "@/testing/builders";
import { ApiError } from "@/lib/api/errors";
import type { Endpoint, EndpointRegistration } from "@/contracts/endpoint";
import type { EndpointStore, StoredEndpoint } from "@/lib/push/push-store";
import {
  base64UrlToBytes,
  bytesToBase64Url,
  disablePush,
  enablePush,
  syncEndpoint,
  unregisterThisBrowser,
  type PushDeps,
  type RegistrationLike,
  type SubscriptionLike,
} from "@/lib/push/subscription";

const VAPID_A = bytesToBase64Url(new Uint8Array(65).fill(4));
const VAPID_B = bytesToBase64Url(new Uint8Array(65).fill(7));
const NOW = new Date("2026-11-27T05:00:00Z");
const USER = "oid-adele.tid-contoso";

let serial = 0;

class FakeSubscription implements SubscriptionLike {
  unsubscribed = false;
  readonly options: { applicationServerKey: ArrayBuffer | null };
  constructor(
    readonly endpoint: string,
    key: string | null,
    readonly keys = { p256dh: `p256-${serial}`, auth: `auth-${serial}` },
  ) {
    this.options = { applicationServerKey: key ? base64UrlToBytes(key).buffer : null };
  }
  toJSON(): PushSubscriptionJSON {
    return { endpoint: this.endpoint, expirationTime: null, keys: { ...this.keys } };
  }
  async unsubscribe() {
    this.unsubscribed = true;
    return true;
  }
}

class FakeRegistration implements RegistrationLike {
  current: FakeSubscription | null = null;
  shown = [{ tag: "a", closed: false }, { tag: "b", closed: false }].map((n) => ({ ...n, close() { this.closed = true; } }));
  /** The worker closes the notifications; the page reads them itself only when no worker answers. */
  active: FakeNotificationsWorker | null = fakeNotificationsWorker(this.shown);
  directReads = 0;
  async getNotifications() {
    this.directReads++;
    return this.shown.filter((n) => !n.closed);
  }
  subscribeCalls: string[] = [];
  readonly pushManager = {
    getSubscription: async () => (this.current && !this.current.unsubscribed ? this.current : null),
    subscribe: async (options: { userVisibleOnly: boolean; applicationServerKey: Uint8Array<ArrayBuffer> }) => {
      if (!options.userVisibleOnly) throw new Error("userVisibleOnly must be true");
      const key = bytesToBase64Url(options.applicationServerKey);
      this.subscribeCalls.push(key);
      serial++;
      this.current = new FakeSubscription(`https://push.example/sub-${serial}`, key);
      return this.current;
    },
  };
}

class FakeApi {
  vapid = VAPID_A;
  registered: EndpointRegistration[] = [];
  deleted: string[] = [];
  rows = new Map<string, Endpoint>();
  failRegister: Error | null = null;
  private byPushEndpoint = new Map<string, string>();
  async vapidPublicKey() {
    return this.vapid;
  }
  async registerEndpoint(body: EndpointRegistration): Promise<Endpoint> {
    if (this.failRegister) throw this.failRegister;
    this.registered.push(body);
    // Idempotent per push endpoint, as the contract says; a "web" registration is a new row.
    const push = body.pushSubscription?.endpoint;
    const renew = body.id && this.rows.get(body.id)?.platform === "web" ? body.id : undefined;
    const id = (push && this.byPushEndpoint.get(push)) || renew || `ep-${this.registered.length}`;
    if (push) this.byPushEndpoint.set(push, id);
    const row: Endpoint = anEndpoint({ id, platform: body.platform, createdDateTime: NOW.toISOString(), expirationDateTime: "2027-01-26T05:00:00Z" });
    this.rows.set(id, row);
    return row;
  }
  async deleteEndpoint(id: string) {
    this.deleted.push(id);
    if (!this.rows.delete(id)) throw new ApiError(404, "itemNotFound", "not found", "r", "c");
  }
}

class MemoryStore implements EndpointStore {
  value: StoredEndpoint | undefined;
  async load() {
    return this.value;
  }
  async save(v: StoredEndpoint) {
    this.value = v;
  }
  async clear() {
    this.value = undefined;
  }
}

function setup(permission: NotificationPermission = "default", answer: NotificationPermission = "granted") {
  const api = new FakeApi();
  const store = new MemoryStore();
  const registration = new FakeRegistration();
  const notification = {
    permission,
    prompts: 0,
    async requestPermission() {
      this.prompts++;
      this.permission = answer;
      return answer;
    },
  };
  const deps: PushDeps = {
    api,
    store,
    getRegistration: async () => registration,
    notification,
    user: USER,
    host: "localhost",
    deviceName: "Chrome on Linux",
    now: () => NOW,
  };
  return { api, store, registration, notification, deps };
}

describe("enablePush", () => {
  it("asks permission, subscribes with the service's VAPID key and registers webPush with the subscription", async () => {
    const { api, store, registration, notification, deps } = setup();
    const result = await enablePush(deps);
    expect(notification.prompts).toBe(1);
    expect(registration.subscribeCalls).toEqual([VAPID_A]);
    expect(api.registered).toHaveLength(1);
    expect(api.registered[0]).toMatchObject({
      platform: "webPush",
      targetHostName: "localhost",
      appDisplayName: "Notifications inbox",
      deviceName: "Chrome on Linux",
      pushSubscription: { endpoint: registration.current!.endpoint, expirationTime: null, keys: registration.current!.keys },
    });
    expect(result.state).toBe("on");
    expect(store.value).toMatchObject({ id: "ep-1", platform: "webPush", endpoint: registration.current!.endpoint, vapidKey: VAPID_A, user: USER });
  });

  it("calls requestPermission synchronously, before any other await (Safari needs the user's gesture)", () => {
    const { deps, notification } = setup();
    void enablePush(deps);
    expect(notification.prompts).toBe(1);
  });

  it("stops at a refusal without subscribing or registering", async () => {
    const { api, registration, deps } = setup("default", "denied");
    expect(await enablePush(deps)).toEqual({ state: "denied" });
    expect(registration.subscribeCalls).toEqual([]);
    expect(api.registered).toEqual([]);
  });

  it("replaces this browser's web registration with the push one (one browser, one endpoint)", async () => {
    const { api, store, deps } = setup();
    await syncEndpoint(deps);
    expect(store.value?.platform).toBe("web");
    const webId = store.value!.id;
    await enablePush(deps);
    expect(api.deleted).toEqual([webId]);
    expect(store.value?.platform).toBe("webPush");
  });

  it("fails clearly when there is no service worker", async () => {
    const { deps } = setup("granted");
    deps.getRegistration = async () => undefined;
    await expect(enablePush(deps)).rejects.toThrow(/service worker/);
  });
});

describe("syncEndpoint", () => {
  it("registers a browser without push as platform web, once", async () => {
    const { api, store, deps } = setup();
    const first = await syncEndpoint(deps);
    expect(first).toMatchObject({ outcome: "registered", subscribed: false });
    expect(api.registered[0]).toEqual({ platform: "web", targetHostName: "localhost", appDisplayName: "Notifications inbox", deviceName: "Chrome on Linux" });
    const second = await syncEndpoint(deps);
    expect(second.outcome).toBe("unchanged");
    expect(api.registered).toHaveLength(1);
    expect(store.value?.id).toBe(first.endpoint.id);
  });

  it("renews an old web registration by its id, so the service keeps one row", async () => {
    const { api, store, deps } = setup();
    const first = await syncEndpoint(deps);
    store.value = { ...store.value!, registeredAt: "2026-11-20T00:00:00Z" };
    const again = await syncEndpoint(deps);
    expect(api.registered[1]).toMatchObject({ platform: "web", id: first.endpoint.id });
    expect(again.endpoint.id).toBe(first.endpoint.id);
    expect(api.deleted).toEqual([]);
  });

  it("leaves a current push registration alone", async () => {
    const { api, deps } = setup();
    await enablePush(deps);
    const result = await syncEndpoint(deps);
    expect(result).toMatchObject({ outcome: "unchanged", subscribed: true });
    expect(api.registered).toHaveLength(1);
  });

  it("renews a registration older than a day by posting it again (same id)", async () => {
    const { api, store, deps } = setup();
    await enablePush(deps);
    store.value = { ...store.value!, registeredAt: "2026-11-25T00:00:00Z" };
    const result = await syncEndpoint(deps);
    expect(result.outcome).toBe("registered");
    expect(api.registered).toHaveLength(2);
    expect(result.endpoint.id).toBe("ep-1");
    expect(api.deleted).toEqual([]);
  });

  it("posts a subscription the browser replaced and deletes the old registration", async () => {
    const { api, store, registration, deps } = setup();
    await enablePush(deps);
    const oldId = store.value!.id;
    serial++;
    registration.current = new FakeSubscription("https://push.example/renewed", VAPID_A);
    const result = await syncEndpoint(deps);
    expect(result.outcome).toBe("registered");
    expect(api.registered.at(-1)?.pushSubscription?.endpoint).toBe("https://push.example/renewed");
    expect(api.deleted).toEqual([oldId]);
    expect(store.value?.endpoint).toBe("https://push.example/renewed");
  });

  it("posts again when only the keys changed", async () => {
    const { api, store, registration, deps } = setup();
    await enablePush(deps);
    registration.current = new FakeSubscription(registration.current!.endpoint, VAPID_A, { p256dh: "new-p256", auth: "new-auth" });
    await syncEndpoint(deps);
    expect(api.registered).toHaveLength(2);
    expect(store.value?.keys).toEqual({ p256dh: "new-p256", auth: "new-auth" });
  });

  it("resubscribes with the new key when the service's VAPID key changed", async () => {
    const { api, store, registration, deps } = setup();
    await enablePush(deps);
    const old = registration.current!;
    api.vapid = VAPID_B;
    const result = await syncEndpoint(deps);
    expect(result.outcome).toBe("resubscribed");
    expect(old.unsubscribed).toBe(true);
    expect(registration.subscribeCalls).toEqual([VAPID_A, VAPID_B]);
    expect(store.value).toMatchObject({ vapidKey: VAPID_B, endpoint: registration.current!.endpoint });
    expect(api.deleted).toEqual(["ep-1"]);
  });

  it("subscribes again when the browser dropped the subscription of a browser that had push on", async () => {
    const { api, store, registration, deps } = setup();
    await enablePush(deps);
    const old = registration.current!;
    old.unsubscribed = true; // gone: a pushsubscriptionchange without a new one, or expired by the push service
    const result = await syncEndpoint(deps);
    expect(result).toMatchObject({ outcome: "resubscribed", subscribed: true });
    expect(registration.subscribeCalls).toEqual([VAPID_A, VAPID_A]);
    expect(api.registered.at(-1)).toMatchObject({ platform: "webPush", pushSubscription: { endpoint: registration.current!.endpoint } });
    expect(store.value).toMatchObject({ platform: "webPush", endpoint: registration.current!.endpoint });
    expect(api.deleted).toEqual(["ep-1"]);
  });

  it("falls back to web when subscribing again is refused, and never subscribes a browser that had push off", async () => {
    const { api, store, registration, deps } = setup();
    await enablePush(deps);
    registration.current!.unsubscribed = true;
    const working = registration.pushManager.subscribe;
    registration.pushManager.subscribe = async () => {
      throw new Error("needs a user gesture");
    };
    const result = await syncEndpoint(deps);
    expect(result).toMatchObject({ outcome: "registered", subscribed: false });
    expect(store.value?.platform).toBe("web");
    // Push is off now: the next start-up sync leaves it off, even where subscribing would work.
    registration.pushManager.subscribe = working;
    store.value = { ...store.value!, registeredAt: "2026-11-20T00:00:00Z" };
    expect(await syncEndpoint(deps)).toMatchObject({ subscribed: false });
    expect(registration.subscribeCalls).toEqual([VAPID_A]);
    expect(api.registered.at(-1)?.platform).toBe("web");
  });

  it("uses the stored VAPID key when the browser does not report the subscription's key", async () => {
    const { api, registration, deps } = setup();
    await enablePush(deps);
    (registration.current!.options as { applicationServerKey: ArrayBuffer | null }).applicationServerKey = null;
    expect((await syncEndpoint(deps)).outcome).toBe("unchanged");
    api.vapid = VAPID_B;
    expect((await syncEndpoint(deps)).outcome).toBe("resubscribed");
  });

  it("drops another account's registration without deleting it, and registers this user", async () => {
    const { api, store, deps } = setup();
    await enablePush(deps);
    const adeles = store.value!;
    const megan = { ...deps, user: "oid-megan.tid-contoso" };
    const result = await syncEndpoint(megan);
    expect(api.deleted).toEqual([]);
    expect(result.outcome).toBe("registered");
    expect(store.value?.user).toBe("oid-megan.tid-contoso");
    // The same push subscription, now posted by Megan: the service takes the row over.
    expect(api.registered.at(-1)?.pushSubscription?.endpoint).toBe(adeles.endpoint);
  });

  it("unsubscribes and falls back to web when permission was revoked in the browser's settings", async () => {
    const { api, store, registration, notification, deps } = setup();
    await enablePush(deps);
    const sub = registration.current!;
    notification.permission = "denied";
    const result = await syncEndpoint(deps);
    expect(sub.unsubscribed).toBe(true);
    expect(result).toMatchObject({ subscribed: false, outcome: "registered" });
    expect(api.registered.at(-1)?.platform).toBe("web");
    expect(api.deleted).toEqual(["ep-1"]);
    expect(store.value?.platform).toBe("web");
  });

  it("still registers as web when the service worker is missing", async () => {
    const { api, deps } = setup();
    deps.getRegistration = async () => {
      throw new Error("no worker");
    };
    const result = await syncEndpoint(deps);
    expect(result.subscribed).toBe(false);
    expect(api.registered[0]?.platform).toBe("web");
  });

  it("fails (and keeps the old registration) when the service refuses", async () => {
    const { api, store, deps } = setup();
    await syncEndpoint(deps);
    const before = store.value;
    store.value = { ...before!, registeredAt: "2026-01-01T00:00:00Z" };
    api.failRegister = new ApiError(503, "serviceNotAvailable", "down", "r", "c");
    await expect(syncEndpoint(deps)).rejects.toBeInstanceOf(ApiError);
    expect(store.value?.id).toBe(before?.id);
  });
});

describe("one operation at a time", () => {
  it("a click on Turn on during the start-up sync does not register this browser twice", async () => {
    const { api, store, deps } = setup();
    const [synced, enabled] = await Promise.all([syncEndpoint(deps), enablePush(deps)]);
    expect(synced.endpoint.platform).toBe("web");
    expect(enabled.state).toBe("on");
    // The web row the sync made is replaced by the push one, and the store ends on the push one.
    expect(api.deleted).toEqual([synced.endpoint.id]);
    expect([...api.rows.keys()]).toEqual([store.value!.id]);
    expect(store.value?.platform).toBe("webPush");
  });

  it("two pages' syncs at once register once", async () => {
    const { api, deps } = setup();
    await Promise.all([syncEndpoint(deps), syncEndpoint(deps)]);
    expect(api.registered).toHaveLength(1);
  });
});

describe("across the tabs of one browser", () => {
  /** Web Locks as a browser has them: one holder per name, the others wait in order. */
  function fakeLocks() {
    const tails = new Map<string, Promise<unknown>>();
    return {
      request<T>(name: string, _options: { signal?: AbortSignal }, callback: () => Promise<T>): Promise<T> {
        const run = (tails.get(name) ?? Promise.resolve()).then(() => callback());
        tails.set(name, run.catch(() => undefined));
        return run;
      },
    };
  }

  it("two tabs' start-up syncs at once register this browser once", async () => {
    vi.stubGlobal("navigator", { locks: fakeLocks() });
    try {
      // Each tab has its own copy of the module (its own in-page queue); they share the store.
      vi.resetModules();
      const tabA = await import("@/lib/push/subscription");
      vi.resetModules();
      const tabB = await import("@/lib/push/subscription");
      const { api, store, deps } = setup();
      const [a, b] = await Promise.all([tabA.syncEndpoint(deps), tabB.syncEndpoint(deps)]);
      expect(api.registered).toHaveLength(1);
      expect(b.endpoint.id).toBe(a.endpoint.id);
      expect(store.value?.id).toBe(a.endpoint.id);
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });

  it("runs anyway when the lock is not granted in time (another tab stuck), and runs once when it fails itself", async () => {
    const requests: { signal?: AbortSignal }[] = [];
    let grant = false;
    vi.stubGlobal("navigator", {
      locks: {
        async request<T>(_name: string, options: { signal?: AbortSignal }, callback: () => Promise<T>): Promise<T> {
          requests.push(options);
          if (!grant) throw new DOMException("The lock request was aborted", "TimeoutError");
          return callback();
        },
      },
    });
    try {
      vi.resetModules();
      const tab = await import("@/lib/push/subscription");
      const { api, deps } = setup();
      await tab.syncEndpoint(deps);
      expect(api.registered).toHaveLength(1);
      expect(requests[0]?.signal).toBeInstanceOf(AbortSignal);

      grant = true;
      let attempts = 0;
      api.registerEndpoint = async () => {
        attempts++;
        throw new ApiError(503, "serviceNotAvailable", "down", "r", "c");
      };
      await expect(tab.syncEndpoint({ ...deps, store: new MemoryStore() })).rejects.toBeInstanceOf(ApiError);
      expect(attempts).toBe(1);
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });
});

describe("disablePush and sign-out", () => {
  it("disable unsubscribes, deletes the push endpoint and keeps this browser registered as web", async () => {
    const { api, store, registration, deps } = setup();
    await enablePush(deps);
    const sub = registration.current!;
    await disablePush(deps);
    expect(sub.unsubscribed).toBe(true);
    expect(api.deleted).toEqual(["ep-1"]);
    expect(store.value?.platform).toBe("web");
  });

  it("sign-out deletes this endpoint, unsubscribes and forgets it", async () => {
    const { api, store, registration, deps } = setup();
    await enablePush(deps);
    const sub = registration.current!;
    await unregisterThisBrowser(deps);
    expect(api.deleted).toEqual(["ep-1"]);
    expect(sub.unsubscribed).toBe(true);
    expect(store.value).toBeUndefined();
    // The user's notifications still on screen go too: the next person must not see or act on them.
    expect(registration.shown.map((n) => n.closed)).toEqual([true, true]);
    // Closed by the worker, in turn with its pushes: the page did not read them itself.
    expect(registration.active!.requests).toContainEqual({ type: "close-notifications", tags: "all" });
    expect(registration.directReads).toBe(0);
  });

  it("sign-out closes the notifications itself when no worker answers (none, or an older deployment's)", async () => {
    for (const active of [null, fakeNotificationsWorker([], { silent: true })]) {
      const { registration, deps } = setup();
      await enablePush(deps);
      registration.active = active;
      await unregisterThisBrowser(deps);
      expect(registration.shown.map((n) => n.closed)).toEqual([true, true]);
      expect(registration.directReads).toBeGreaterThan(0);
    }
  });

  it("sign-out stops the browser's own subscription at once, even behind a registration still in progress", async () => {
    const { api, store, registration, deps } = setup();
    const register = api.registerEndpoint.bind(api);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    api.registerEndpoint = async (body) => {
      await gate;
      return register(body);
    };
    // Turn on: subscribed, its POST not answered yet (it holds the one-at-a-time queue).
    const enabling = enablePush(deps);
    await vi.waitFor(() => expect(registration.current).not.toBeNull());
    const leaving = unregisterThisBrowser(deps);
    // The subscription and the shown notifications go without waiting for that POST...
    await vi.waitFor(() => expect(registration.current!.unsubscribed).toBe(true));
    expect(registration.shown.every((n) => n.closed)).toBe(true);
    // ...and the endpoint the POST then creates is deleted once the queue lets sign-out through.
    release();
    await Promise.all([enabling, leaving]);
    expect(api.deleted).toHaveLength(1);
    expect(api.rows.size).toBe(0);
    expect(store.value).toBeUndefined();
  });

  it("sign-out's clean-up never rejects, even when the service is unreachable", async () => {
    const { api, store, deps } = setup();
    await syncEndpoint(deps);
    api.deleteEndpoint = async () => {
      throw new ApiError(0, "networkError", "offline", undefined, "c");
    };
    await expect(unregisterThisBrowser(deps)).resolves.toBeUndefined();
    expect(store.value).toBeUndefined();
  });
});

describe("base64url", () => {
  it("round-trips bytes, with or without padding", () => {
    const bytes = new Uint8Array([0, 1, 250, 251, 252, 253, 254, 255]);
    const text = bytesToBase64Url(bytes);
    expect(text).not.toMatch(/[+/=]/);
    expect([...base64UrlToBytes(text)]).toEqual([...bytes]);
    expect([...base64UrlToBytes(text + "=")]).toEqual([...bytes]);
  });
});
