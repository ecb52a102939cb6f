import { describe, expect, it, vi } from "vitest";
import { ApiError } from "@/lib/api/errors";
import type { Notification } from "@/contracts/notification";
import { closeShownNotification, reconcileShownNotifications, setAppBadge, stillShowable } from "@/lib/push/reconcile";
import { dispatchWorkerMessage, parseWorkerMessage } from "@/lib/push/worker-messages";
import { aNotification } from "@/testing/builders";

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
      getNotifications: async () => [a, b, c, other],
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
      getNotifications: async () => many,
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
    await reconcileShownNotifications({ getNotifications: async () => [n], loaded: [], fetchById: async (id) => item(id, { readState: "read" }) });
    expect(n.closed).toBe(true);
  });
});

describe("closing one item's OS notification when the user settles it in the page", () => {
  it("closes only the notification tagged with that id", async () => {
    const close = { a: vi.fn(), b: vi.fn() };
    const registration = {
      getNotifications: async () => [
        { tag: "a", close: close.a },
        { tag: "b", close: close.b },
      ],
    } as unknown as ServiceWorkerRegistration;
    await closeShownNotification("b", async () => registration);
    expect(close.b).toHaveBeenCalledOnce();
    expect(close.a).not.toHaveBeenCalled();
  });

  it("does nothing where there is no service worker", async () => {
    await expect(closeShownNotification("a", async () => undefined)).resolves.toBeUndefined();
  });
});
