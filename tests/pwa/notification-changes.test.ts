import { describe, expect, it, vi } from "vitest";
import { createChangeBus, publishChange, settledIds, type NotificationChange } from "@/lib/events/notification-changes";
import { closeSettledNotifications } from "@/lib/push/reconcile";
import { connectTabSync } from "@/lib/push/tab-sync";
import { publishWorkerChanges, type listenToWorker } from "@/lib/push/worker-messages";
import { followUnreadCount, UNREAD_COUNT_KEY } from "@/lib/hooks/use-unread-count";
import { publishingPushApi } from "@/lib/hooks/use-push-state";
import { fakeNotificationsWorker } from "@/testing/fake-notifications-worker";

const ID = "11111111-1111-4111-8111-111111111111";

function recorder() {
  const bus = createChangeBus();
  const heard: NotificationChange[] = [];
  bus.subscribe((change) => heard.push(change));
  return { bus, heard };
}

/** A pair of channels of one name, as two tabs of one browser hold: each hears only the other's messages. */
function channelPair() {
  const listeners = new Set<(event: MessageEvent) => void>();
  const posted: unknown[] = [];
  const channel = {
    postMessage: (message: unknown) => void posted.push(message),
    addEventListener: (_type: "message", listener: (event: MessageEvent) => void) => void listeners.add(listener),
    removeEventListener: (_type: "message", listener: (event: MessageEvent) => void) => void listeners.delete(listener),
    close: () => undefined,
  };
  const fromOtherTab = (data: unknown) => {
    for (const listener of listeners) listener({ data } as MessageEvent);
  };
  return { open: () => channel, posted, fromOtherTab, listeners };
}

describe("the change bus", () => {
  it("delivers a published change to every subscriber", () => {
    const bus = createChangeBus();
    const a = vi.fn();
    const b = vi.fn();
    bus.subscribe(a);
    bus.subscribe(b);
    const change: NotificationChange = { phase: "remote", source: "tab", reason: "changed" };
    bus.publish(change);
    expect(a).toHaveBeenCalledWith(change);
    expect(b).toHaveBeenCalledWith(change);
  });

  it("stops delivering to a subscriber once it unsubscribed", () => {
    const bus = createChangeBus();
    const listener = vi.fn();
    const stop = bus.subscribe(listener);
    stop();
    bus.publish({ phase: "remote", source: "worker", reason: "changed" });
    expect(listener).not.toHaveBeenCalled();
  });

  it("keeps two subscriptions of one function apart", () => {
    const bus = createChangeBus();
    const listener = vi.fn();
    const stopFirst = bus.subscribe(listener);
    bus.subscribe(listener);
    stopFirst();
    bus.publish({ phase: "remote", source: "worker", reason: "changed" });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it("still reaches the other subscribers when one throws, and reports the error", () => {
    const errors: unknown[] = [];
    const bus = createChangeBus((error) => errors.push(error));
    const after = vi.fn();
    bus.subscribe(() => {
      throw new Error("boom");
    });
    bus.subscribe(after);
    bus.publish({ phase: "remote", source: "tab", reason: "changed" });
    expect(after).toHaveBeenCalledTimes(1);
    expect(errors).toEqual([new Error("boom")]);
  });

  it("publishes pending before the change is sent and resolved once the service accepted it", async () => {
    const { bus, heard } = recorder();
    const phasesWhenSent: string[] = [];
    const result = await publishChange(bus, { action: "read", ids: [ID], unread: { by: -1 } }, async () => {
      phasesWhenSent.push(...heard.map((c) => c.phase));
      return 42;
    });
    expect(result).toBe(42);
    expect(phasesWhenSent).toEqual(["pending"]);
    expect(heard).toEqual([
      { phase: "pending", action: "read", ids: [ID], unread: { by: -1 } },
      { phase: "resolved", action: "read", ids: [ID], unread: { by: -1 } },
    ]);
  });

  it("publishes failed with the error, and rethrows it, when the service refused the change", async () => {
    const { bus, heard } = recorder();
    const error = new Error("412");
    await expect(publishChange(bus, { action: "dismiss", ids: [ID] }, () => Promise.reject(error))).rejects.toBe(error);
    expect(heard.map((c) => c.phase)).toEqual(["pending", "failed"]);
    expect(heard[1]).toMatchObject({ phase: "failed", action: "dismiss", error });
  });

  it.each([
    ["open", [ID]],
    ["read", [ID]],
    ["activate", [ID]],
    ["dismiss", [ID]],
    ["snooze", [ID]],
    ["delete", [ID]],
    ["unread", []],
    ["unsnooze", []],
    ["markAllRead", []],
    ["removeEndpoint", []],
  ] as const)("a pending %s settles the OS notifications of %j", (action, expected) => {
    expect(settledIds({ phase: "pending", action, ids: [ID] })).toEqual(expected);
  });

  it("settles no OS notification on an answer or a remote change (the worker and reconciling handle those)", () => {
    expect(settledIds({ phase: "resolved", action: "read", ids: [ID] })).toEqual([]);
    expect(settledIds({ phase: "failed", action: "read", ids: [ID], error: new Error("x") })).toEqual([]);
    expect(settledIds({ phase: "remote", source: "worker", reason: "changed" })).toEqual([]);
  });
});

describe("the change bus's subscribers", () => {
  it("closes the OS notification of an item marked read in this page before the service answers", async () => {
    const bus = createChangeBus();
    const shown = [ID, "22222222-2222-4222-8222-222222222222"].map((tag) => ({ tag, closed: false }));
    // The page asks the worker, which closes it in turn with its pushes; it never reads them itself.
    const worker = fakeNotificationsWorker(shown);
    const getNotifications = vi.fn(async () => []);
    const registration = { active: worker, getNotifications } as unknown as ServiceWorkerRegistration;
    const stop = closeSettledNotifications(bus, async () => registration);
    bus.publish({ phase: "pending", action: "read", ids: [ID] });
    await vi.waitFor(() => expect(shown.filter((n) => n.closed).map((n) => n.tag)).toEqual([ID]));
    stop();
    expect(worker.requests).toEqual([{ type: "close-notifications", tags: [ID] }]);
    expect(getNotifications).not.toHaveBeenCalled();
  });

  it("leaves the OS notification of an item marked unread showing", async () => {
    const bus = createChangeBus();
    const worker = fakeNotificationsWorker([{ tag: ID, closed: false }]);
    closeSettledNotifications(bus, async () => ({ active: worker }) as unknown as ServiceWorkerRegistration);
    bus.publish({ phase: "pending", action: "unread", ids: [ID] });
    await new Promise((r) => setTimeout(r, 0));
    expect(worker.requests).toEqual([]);
  });

  it("tells the other tabs of a change the service accepted, and of nothing before that or after a failure", () => {
    const bus = createChangeBus();
    const channels = channelPair();
    const stop = connectTabSync(bus, channels.open);
    bus.publish({ phase: "pending", action: "read", ids: [ID] });
    bus.publish({ phase: "failed", action: "read", ids: [ID], error: new Error("x") });
    expect(channels.posted).toEqual([]);
    bus.publish({ phase: "resolved", action: "read", ids: [ID] });
    expect(channels.posted).toEqual([{ type: "changed" }]);
    stop();
  });

  it("publishes another tab's change as a remote change, without announcing it back", () => {
    const { bus, heard } = recorder();
    const channels = channelPair();
    const stop = connectTabSync(bus, channels.open);
    channels.fromOtherTab({ type: "changed" });
    expect(heard).toEqual([{ phase: "remote", source: "tab", reason: "changed" }]);
    expect(channels.posted).toEqual([]);
    stop();
    expect(channels.listeners.size).toBe(0);
  });

  it("publishes the worker's messages as remote changes, without claiming a toast shown", () => {
    const { bus, heard } = recorder();
    let handlers: Parameters<typeof listenToWorker>[0] = {};
    publishWorkerChanges(bus, (h) => {
      handlers = h;
      return () => undefined;
    });
    handlers["notifications-changed"]?.({ type: "notifications-changed", kind: "stateChanged", notificationId: ID, unreadCount: 1 });
    const shown = handlers["notification-received"]?.({ type: "notification-received", notification: { id: ID } as never, unreadCount: 2 });
    expect(shown).toBe(false);
    expect(heard).toEqual([
      { phase: "remote", source: "worker", reason: "changed" },
      { phase: "remote", source: "worker", reason: "received" },
    ]);
  });

  it("moves the cached unread count by a pending change's delta, without asking the service", () => {
    const bus = createChangeBus();
    const mutate = vi.fn(async () => undefined);
    followUnreadCount(bus, mutate as never);
    bus.publish({ phase: "pending", action: "read", ids: [ID], unread: { by: -1 } });
    expect(mutate).toHaveBeenCalledTimes(1);
    const [key, update, options] = mutate.mock.calls[0] as unknown as [unknown, (n: number | undefined) => number | undefined, unknown];
    expect(key).toBe(UNREAD_COUNT_KEY);
    expect(options).toEqual({ revalidate: false });
    expect(update(3)).toBe(2);
    expect(update(0)).toBe(0);
    expect(update(undefined)).toBeUndefined();
  });

  it("sets the cached unread count to a pending change's known value", () => {
    const bus = createChangeBus();
    const mutate = vi.fn(async () => undefined);
    followUnreadCount(bus, mutate as never);
    bus.publish({ phase: "pending", action: "markAllRead", ids: [], unread: { to: 0 } });
    expect(mutate).toHaveBeenCalledWith(UNREAD_COUNT_KEY, 0, { revalidate: false });
  });

  it("leaves the count alone on a pending change that does not move it", () => {
    const bus = createChangeBus();
    const mutate = vi.fn(async () => undefined);
    followUnreadCount(bus, mutate as never);
    bus.publish({ phase: "pending", action: "dismiss", ids: [ID], unread: { by: 0 } });
    bus.publish({ phase: "pending", action: "open", ids: [ID] });
    expect(mutate).not.toHaveBeenCalled();
  });

  it.each<NotificationChange>([
    { phase: "resolved", action: "read", ids: [ID] },
    { phase: "failed", action: "read", ids: [ID], error: new Error("x") },
    { phase: "remote", source: "worker", reason: "received" },
    { phase: "remote", source: "tab", reason: "changed" },
  ])("asks the service for the unread count again after a $phase change", (change) => {
    const bus = createChangeBus();
    const mutate = vi.fn(async () => undefined);
    followUnreadCount(bus, mutate as never);
    bus.publish(change);
    expect(mutate).toHaveBeenCalledWith(UNREAD_COUNT_KEY);
  });

  it("publishes this browser's registration and removal, so other tabs hear of them", async () => {
    const { bus, heard } = recorder();
    const api = {
      vapidPublicKey: async () => "key",
      registerEndpoint: vi.fn(async () => ({ id: "e1" }) as never),
      deleteEndpoint: vi.fn(async () => undefined),
    };
    const publishing = publishingPushApi(api, bus);
    await publishing.registerEndpoint({} as never);
    await publishing.deleteEndpoint("e1");
    expect(await publishing.vapidPublicKey()).toBe("key");
    expect(heard.map((c) => `${c.phase} ${"action" in c ? c.action : ""}`)).toEqual([
      "pending registerEndpoint",
      "resolved registerEndpoint",
      "pending removeEndpoint",
      "resolved removeEndpoint",
    ]);
    expect(api.deleteEndpoint).toHaveBeenCalledWith("e1");
  });
});
