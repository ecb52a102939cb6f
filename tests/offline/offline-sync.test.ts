// The page's offline side (lib/offline/offline-sync.ts) with its browser parts replaced: the network
// switch, the queue's store, the lock and the tabs' channel. The replay against the real service is
// tests/offline/replay.test.ts; the whole journey in a browser is e2e/offline.spec.ts.
import { describe, expect, it, vi } from "vitest";
import type { Notification } from "@/contracts/notification";
import { ApiError } from "@/lib/api/errors";
import { memoryQueueStore, type ReplayOutcome, type ReplayTarget } from "@/lib/offline/change-queue";
import type { SyncState } from "@/lib/offline/offline-db";
import { createOfflineSync, type ReplayWiring } from "@/lib/offline/offline-sync";

function fakeNetwork(online: boolean) {
  const listeners = new Set<() => void>();
  return {
    isOnline: () => online,
    subscribe(fn: () => void) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    set(value: boolean) {
      online = value;
      for (const fn of listeners) fn();
    },
  };
}

const item = (id: string, over: Partial<Notification> = {}) => ({ id, readState: "read", userActionState: "noInteraction", ...over }) as Notification;

function setup({ online = false, target }: { online?: boolean; target?: Partial<ReplayTarget> } = {}) {
  const network = fakeNetwork(online);
  const store = memoryQueueStore();
  const saved: SyncState[] = [];
  const locks: string[] = [];
  const sent: string[] = [];
  const sync = createOfflineSync({
    user: "u1",
    store,
    network,
    syncState: { load: async () => ({ user: "u1", unreadCount: 7, lastSyncedAt: "2026-12-01T10:00:00.000Z" }), save: async (s) => void saved.push(s) },
    pages: { load: async () => undefined, save: async () => {} },
    locks: {
      request: async (name, _opts, cb) => {
        locks.push(name);
        await cb(null);
      },
    },
    retry: { baseMs: 10, capMs: 10 },
  });
  const applied: ReplayOutcome[] = [];
  const drained = vi.fn();
  const wiring: ReplayWiring = {
    target: {
      update: async (id, _patch, at) => {
        sent.push(`update ${id} @${at}`);
        return { item: item(id), superseded: [] };
      },
      remove: async (id) => void sent.push(`delete ${id}`),
      markAllRead: async (_g, before) => void sent.push(`markAllRead before ${before}`),
      ...target,
    },
    apply: (o) => applied.push(o),
    drained,
  };
  return { sync, network, store, saved, locks, sent, applied, drained, wiring };
}

const settle = () => new Promise((r) => setTimeout(r, 30));

describe("offline sync", () => {
  it("offline, queues changes; back online, replays them in order under the browser-wide lock, then catches up", async () => {
    const t = setup();
    const stop = t.sync.start(t.wiring);
    expect(t.sync.getState().connection).toBe("offline");
    expect(t.sync.shouldQueue()).toBe(true);
    await t.sync.enqueue({ kind: "update", id: "a", patch: { readState: "read" }, action: "read" }, "A");
    await t.sync.enqueue({ kind: "delete", id: "b" }, "B");
    await t.sync.enqueue({ kind: "markAllRead" });
    expect(t.sync.getState().pending).toBe(3);
    expect(t.sent).toEqual([]);

    t.network.set(true);
    await settle();
    expect(t.sent.map((s) => s.split(" @")[0]!.replace(/ before .*/, ""))).toEqual(["update a", "delete b", "markAllRead"]);
    expect(t.locks).toEqual(["inbox-offline-queue:u1"]);
    expect(t.sync.getState()).toMatchObject({ connection: "online", pending: 0, replaying: false });
    expect(t.applied.map((o) => o.result)).toEqual(["applied", "applied", "applied"]);
    expect(t.drained).toHaveBeenCalledTimes(1);
    expect(t.sync.shouldQueue()).toBe(false);
    stop();
  });

  it("online with earlier changes still waiting, a new change queues behind them (order is kept)", async () => {
    const t = setup({ online: true });
    t.sync.reachable(false); // the service did not answer, though the device is online
    expect(t.sync.getState().connection).toBe("unreachable");
    await t.sync.enqueue({ kind: "update", id: "a", patch: { readState: "read" }, action: "read" });
    t.sync.reachable(true);
    expect(t.sync.shouldQueue()).toBe(true);
  });

  it("a superseded or refused change becomes a notice the page shows, and can be put away", async () => {
    let calls = 0;
    const t = setup({
      target: {
        update: async (id) => {
          if (++calls === 1) return { item: item(id, { userActionState: "dismissed" }), superseded: ["userActionState"] };
          throw new ApiError(400, "invalidRequest", "snoozedUntilDateTime must be in the future", "r1", undefined);
        },
      },
    });
    t.sync.start(t.wiring);
    await t.sync.enqueue({ kind: "update", id: "a", patch: { userActionState: "activated" }, action: "activate" }, "A");
    await t.sync.enqueue({ kind: "update", id: "b", patch: { userActionState: "snoozed" }, action: "snooze" }, "B");
    t.network.set(true);
    await settle();
    const notices = t.sync.getState().notices;
    expect(notices.map((n) => n.outcome.result)).toEqual(["superseded", "refused"]);
    t.sync.dismissNotice(notices[0]!.key);
    expect(t.sync.getState().notices.map((n) => n.outcome.change.title)).toEqual(["B"]);
    expect(t.sync.getState().pending).toBe(0);
  });

  it("a network failure during the replay keeps the rest queued and tries again with backoff", async () => {
    let fail = true;
    const t = setup({
      target: {
        update: async (id) => {
          if (fail) throw new ApiError(0, "networkError", "no network", undefined, undefined);
          return { item: item(id), superseded: [] };
        },
      },
    });
    t.sync.start(t.wiring);
    await t.sync.enqueue({ kind: "update", id: "a", patch: { readState: "read" }, action: "read" });
    t.network.set(true);
    await settle();
    expect(t.sync.getState().pending).toBe(1);
    fail = false;
    await vi.waitFor(() => expect(t.sync.getState().pending).toBe(0), { timeout: 1000 });
    expect(t.drained).toHaveBeenCalled();
  });

  it("remembers the unread count and when it last heard from the service", async () => {
    const t = setup({ online: true });
    expect(await t.sync.unreadCount()).toBe(7);
    expect(t.sync.getState().lastSyncedAt).toBe("2026-12-01T10:00:00.000Z");
    t.sync.rememberUnreadCount(3);
    t.sync.reachable(false);
    t.sync.reachable(true);
    expect(await t.sync.unreadCount()).toBe(3);
    expect(Date.parse(t.sync.getState().lastSyncedAt!)).toBeGreaterThan(Date.parse("2026-12-01T10:00:00.000Z"));
    expect(t.saved.at(-1)).toMatchObject({ user: "u1", unreadCount: 3, lastSyncedAt: t.sync.getState().lastSyncedAt });
  });
});
