import { describe, expect, it, vi } from "vitest";
import { ApiError } from "@/lib/api/errors";
import type { Notification } from "@/contracts/notification";
import { closeShownNotification, reconcileShownNotifications, setAppBadge, shownNotifications, stillShowable } from "@/lib/push/reconcile";
import { WORKER_ANSWER_MS } from "@/lib/push/worker-notifications";
import { dispatchWorkerMessage, parseWorkerMessage } from "@/lib/push/worker-messages";
import { aNotification } from "@/testing/builders";
import { fakeNotificationsWorker } from "@/testing/fake-notifications-worker";

const ID1 = "11111111-1111-4111-8111-111111111111";
const ID2 = "22222222-2222-4222-8222-222222222222";
const ID3 = "33333333-3333-4333-8333-333333333333";

function item(id: string, over: Partial<Notification> = {}): Notification {
  return aNotification(id, { payload: { visualContent: { title: "t" } }, priority: "High", ...over });
}

function shown(tag: string) {
  return { tag, closed: false, close() { this.closed = true; } };
}

describe("worker messages", () => {
  it("accepts the three message types of the protocol", () => {
    expect(parseWorkerMessage({ type: "notifications-changed", kind: "stateChanged", notificationId: ID1, unreadCount: 2 })).toBeTruthy();
    expect(parseWorkerMessage({ type: "notification-received", notification: { id: ID1, title: "Hi" }, unreadCount: 1 })).toBeTruthy();
    expect(parseWorkerMessage({ type: "push-subscription-changed" })).toEqual({ type: "push-subscription-changed" });
  });

  it("ignores anything else or malformed", () => {
    expect(parseWorkerMessage(null)).toBeUndefined();
    expect(parseWorkerMessage("notifications-changed")).toBeUndefined();
    expect(parseWorkerMessage({ type: "WB_UPDATE" })).toBeUndefined();
    expect(parseWorkerMessage({ type: "notifications-changed", kind: "exploded", notificationId: ID1, unreadCount: 1 })).toBeUndefined();
    expect(parseWorkerMessage({ type: "notifications-changed", kind: "created", notificationId: ID1, unreadCount: "1" })).toBeUndefined();
    expect(parseWorkerMessage({ type: "notification-received", notification: {}, unreadCount: 1 })).toBeUndefined();
  });

  it("routes a message to its handler only", () => {
    const changed = vi.fn();
    const received = vi.fn();
    expect(dispatchWorkerMessage({ type: "notification-received", notification: { id: ID1 }, unreadCount: 4 }, { "notifications-changed": changed, "notification-received": received })).toBe(true);
    expect(received).toHaveBeenCalledWith(expect.objectContaining({ unreadCount: 4 }));
    expect(changed).not.toHaveBeenCalled();
    expect(dispatchWorkerMessage({ type: "push-subscription-changed" }, { "notifications-changed": changed })).toBe(false);
  });

  it("reports a toast its handler could not show as not handled (the worker then shows an OS notification)", () => {
    const message = { type: "notification-received", notification: { id: ID1 }, unreadCount: 1 };
    expect(dispatchWorkerMessage(message, { "notification-received": () => false })).toBe(false);
    expect(dispatchWorkerMessage(message, { "notification-received": () => undefined })).toBe(true);
  });
});

describe("app badge", () => {
  it("sets the count, clears at zero, and does nothing where the Badging API is missing", async () => {
    const nav = { setAppBadge: vi.fn(async () => {}), clearAppBadge: vi.fn(async () => {}) };
    await setAppBadge(3, nav);
    expect(nav.setAppBadge).toHaveBeenCalledWith(3);
    await setAppBadge(0, nav);
    expect(nav.clearAppBadge).toHaveBeenCalled();
    await expect(setAppBadge(2, {})).resolves.toBeUndefined();
    await expect(setAppBadge(2, undefined)).resolves.toBeUndefined();
  });

  it("swallows a refusal", async () => {
    await expect(setAppBadge(1, { setAppBadge: async () => Promise.reject(new Error("NotAllowedError")) })).resolves.toBeUndefined();
  });
});

describe("reconcile", () => {
  it("an item may stay shown only while active, unread and untouched", () => {
    expect(stillShowable(item(ID1))).toBe(true);
    expect(stillShowable(item(ID1, { readState: "read" }))).toBe(false);
    expect(stillShowable(item(ID1, { userActionState: "dismissed" }))).toBe(false);
    expect(stillShowable(item(ID1, { userActionState: "snoozed" }))).toBe(false);
    expect(stillShowable(item(ID1, { status: "deleted" }))).toBe(false);
    expect(stillShowable(null)).toBe(false);
  });

  it("closes what the loaded list says is settled, and asks the service about the rest", async () => {
    const a = shown(ID1);
    const b = shown(ID2);
    const c = shown(ID3);
    const other = shown("not-a-notification-id");
    const fetched: string[] = [];
    const closed = await reconcileShownNotifications({
      listShown: async () => [a, b, c, other],
      loaded: [item(ID1, { readState: "read" }), item(ID2)],
      fetchById: async (id) => {
        fetched.push(id);
        throw new ApiError(404, "itemNotFound", "gone", "r", "c");
      },
    });
    expect(closed.sort()).toEqual([ID1, ID3].sort());
    expect(a.closed).toBe(true);
    expect(b.closed).toBe(false);
    expect(c.closed).toBe(true);
    expect(other.closed).toBe(false);
    expect(fetched).toEqual([ID3]);
  });

  it("keeps a notification when the service could not be asked, and asks at most maxFetches times", async () => {
    const many = Array.from({ length: 5 }, (_, i) => shown(`${i}0000000-0000-4000-8000-000000000000`));
    let calls = 0;
    const closed = await reconcileShownNotifications({
      listShown: async () => many,
      loaded: [],
      maxFetches: 2,
      fetchById: async () => {
        calls++;
        throw new ApiError(503, "serviceNotAvailable", "down", "r", "c");
      },
    });
    expect(calls).toBe(2);
    expect(closed).toEqual([]);
    expect(many.every((n) => !n.closed)).toBe(true);
  });

  it("closes one read elsewhere that is not on the loaded page", async () => {
    const n = shown(ID3);
    await reconcileShownNotifications({ listShown: async () => [n], loaded: [], fetchById: async (id) => item(id, { readState: "read" }) });
    expect(n.closed).toBe(true);
  });
});

describe("closing one item's OS notification when the user settles it in the page", () => {
  it("asks the worker to close only the notification tagged with that id (the page never reads them itself)", async () => {
    const list = [
      { tag: "a", closed: false },
      { tag: "b", closed: false },
    ];
    const getNotifications = vi.fn(async () => []);
    const worker = fakeNotificationsWorker(list);
    await closeShownNotification("b", async () => ({ active: worker, getNotifications }) as unknown as ServiceWorkerRegistration);
    expect(list).toEqual([
      { tag: "a", closed: false },
      { tag: "b", closed: true },
    ]);
    expect(worker.requests).toEqual([{ type: "close-notifications", tags: ["b"] }]);
    expect(getNotifications).not.toHaveBeenCalled();
  });

  it("reconciles what the worker lists, and closes through it", async () => {
    const list = [ID1, ID2].map((tag) => ({ tag, closed: false }));
    const worker = fakeNotificationsWorker(list);
    const registration = { active: worker } as unknown as ServiceWorkerRegistration;
    const closed = await reconcileShownNotifications({
      listShown: () => shownNotifications(async () => registration),
      loaded: [item(ID1, { readState: "read" }), item(ID2)],
      fetchById: async () => {
        throw new Error("not asked: both are loaded");
      },
    });
    expect(closed).toEqual([ID1]);
    await vi.waitFor(() => expect(list.map((n) => n.closed)).toEqual([true, false]));
    expect(worker.requests).toEqual([{ type: "list-notifications" }, { type: "close-notifications", tags: [ID1] }]);
  });

  it("lists none where the worker does not answer", async () => {
    const silent = fakeNotificationsWorker([{ tag: ID1, closed: false }], { silent: true });
    vi.useFakeTimers();
    try {
      const listing = shownNotifications(async () => ({ active: silent }) as unknown as ServiceWorkerRegistration);
      await vi.advanceTimersByTimeAsync(WORKER_ANSWER_MS);
      expect(await listing).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("does nothing where there is no service worker", async () => {
    await expect(closeShownNotification("a", async () => undefined)).resolves.toBeUndefined();
  });
});
