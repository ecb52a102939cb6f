// Changes made offline, replayed by the PWA's queue (lib/offline/change-queue.ts) through its real API
// client against the real service: in the order they were made, each with its time, the conflict
// rule deciding field by field — and a replay cut short by the network resumes where it stopped.
import { afterAll, beforeAll, expect, it } from "vitest";
import { ApiClient } from "@/lib/api/client";
import { memoryQueueStore, replayQueue, type QueuedOp, type QueueStore, type ReplayOutcome, type ReplayTarget } from "@/lib/offline/change-queue";
import { startStack, type Stack } from "../../testing/stack";
import { users } from "../../testing/users";
import { call, createForMe, getOne, sleep, visualNotification } from "../helpers/graph";

let stack: Stack;
let token: string;
const USER = "adele-home-account";

beforeAll(async () => {
  stack = await startStack();
  token = await stack.tokenFor(users.adele.upn);
});

afterAll(async () => {
  await stack?.close();
});

/** The page's client as the laptop's browser has it (its endpoint id on every request). */
function laptop(fetchImpl?: typeof fetch): ApiClient {
  return new ApiClient({ baseUrl: stack.baseUrl, getToken: async () => token, endpointId: () => "laptop", ...(fetchImpl ? { fetch: fetchImpl } : {}) });
}

function targetOf(client: ApiClient): ReplayTarget {
  return {
    update: (id, patch, at) => client.replayUpdate(id, patch, at),
    remove: (id, at) => client.deleteNotification(id, at),
    markAllRead: async (groupName, before) => void (await client.markAllAsRead({ ...(groupName ? { groupName } : {}), before })),
  };
}

async function queue(store: QueueStore, ...ops: [QueuedOp, string?][]): Promise<void> {
  for (const [op, title] of ops) {
    await store.add({ user: USER, at: new Date().toISOString(), op, ...(title ? { title } : {}) });
    await sleep(5);
  }
}

/** The kinds of event the service logged for these items, in the order it applied them. */
async function eventsOf(ids: string[]): Promise<{ id: string; detail: Record<string, unknown> }[]> {
  const { rows } = await stack.db.query<{ notification_id: string; detail: Record<string, unknown> }>(
    "SELECT notification_id, detail FROM notification_events WHERE notification_id = ANY($1) AND kind IN ('stateChanged', 'deleted') ORDER BY seq",
    [ids],
  );
  return rows.map((r) => ({ id: r.notification_id, detail: r.detail }));
}

it("replays every change in the order it was made, and a later dismissal on another device is kept, not overwritten", async () => {
  const [a, b, c, d] = await Promise.all(["A", "B", "C", "D"].map((t) => createForMe(stack, token, visualNotification(`offline ${t}`))));
  const store = memoryQueueStore();
  const snoozeUntil = new Date(Date.now() + 3600_000).toISOString();
  await queue(
    store,
    [{ kind: "update", id: a!.id, patch: { userActionState: "activated", readState: "read" }, action: "activate" }, "offline A"],
    [{ kind: "update", id: b!.id, patch: { readState: "read" }, action: "read" }, "offline B"],
    [{ kind: "update", id: b!.id, patch: { readState: "unread" }, action: "unread" }, "offline B"],
    [{ kind: "update", id: c!.id, patch: { userActionState: "snoozed", snoozedUntilDateTime: snoozeUntil }, action: "snooze" }, "offline C"],
    [{ kind: "delete", id: d!.id }, "offline D"],
  );
  // Later, on the phone (online): A is dismissed.
  await sleep(20);
  const phone = await call(stack, `/me/notifications/${a!.id}`, { method: "PATCH", token, json: { userActionState: "dismissed" }, headers: { "X-Endpoint-Id": "phone" } });
  expect(phone.status).toBe(200);

  const outcomes: ReplayOutcome[] = [];
  const result = await replayQueue(store, USER, targetOf(laptop()), (o) => outcomes.push(o));
  expect(result).toEqual({});
  expect(await store.list(USER)).toEqual([]);

  // A: read applied, the phone's later dismissal kept and named.
  expect(outcomes.map((o) => o.result)).toEqual(["superseded", "applied", "applied", "applied", "applied"]);
  const first = outcomes[0] as Extract<ReplayOutcome, { result: "superseded" }>;
  expect(first.fields).toEqual(["userActionState"]);
  expect(first.item).toMatchObject({ id: a!.id, readState: "read", userActionState: "dismissed" });
  expect(await getOne(stack, token, a!.id)).toMatchObject({ readState: "read", userActionState: "dismissed" });
  // B ends as the last change left it; C snoozed; D a tombstone.
  expect(await getOne(stack, token, b!.id)).toMatchObject({ readState: "unread" });
  expect(await getOne(stack, token, c!.id)).toMatchObject({ userActionState: "snoozed", snoozedUntilDateTime: snoozeUntil });
  expect((await call(stack, `/me/notifications/${d!.id}`, { token })).status).toBe(404);

  // The service applied them in the order they were made (after the phone's own change).
  const events = await eventsOf([a!.id, b!.id, c!.id, d!.id]);
  expect(events.map((e) => e.id)).toEqual([a!.id, a!.id, b!.id, b!.id, c!.id, d!.id]);
  expect(events[1]!.detail).toMatchObject({ supersededFields: ["userActionState"] });
});

it("mark all read made offline reads only what had arrived when it was made", async () => {
  const group = `offline-${Date.now()}`;
  const old = await createForMe(stack, token, { ...visualNotification("arrived before"), groupName: group });
  const store = memoryQueueStore();
  await queue(store, [{ kind: "markAllRead", groupName: group }]);
  await sleep(20);
  const later = await createForMe(stack, token, { ...visualNotification("arrived after"), groupName: group });

  const outcomes: ReplayOutcome[] = [];
  await replayQueue(store, USER, targetOf(laptop()), (o) => outcomes.push(o));
  expect(outcomes.map((o) => o.result)).toEqual(["applied"]);
  expect(await getOne(stack, token, old.id)).toMatchObject({ readState: "read" });
  expect(await getOne(stack, token, later.id)).toMatchObject({ readState: "unread" });
});

it("says when the item is gone or the change is refused, and drops neither silently", async () => {
  const gone = await createForMe(stack, token, visualNotification("deleted elsewhere"));
  const kept = await createForMe(stack, token, visualNotification("kept"));
  const store = memoryQueueStore();
  const past = new Date(Date.now() - 60_000).toISOString();
  await queue(
    store,
    [{ kind: "update", id: gone.id, patch: { readState: "read" }, action: "read" }, "deleted elsewhere"],
    // A snooze whose time passed while the device was offline: the service refuses it (400).
    [{ kind: "update", id: kept.id, patch: { userActionState: "snoozed", snoozedUntilDateTime: past }, action: "snooze" }, "kept"],
    [{ kind: "update", id: kept.id, patch: { readState: "read" }, action: "read" }, "kept"],
  );
  expect((await call(stack, `/me/notifications/${gone.id}`, { method: "DELETE", token })).status).toBe(204);

  const outcomes: ReplayOutcome[] = [];
  await replayQueue(store, USER, targetOf(laptop()), (o) => outcomes.push(o));
  expect(outcomes.map((o) => o.result)).toEqual(["gone", "refused", "applied"]);
  expect(outcomes[1]).toMatchObject({ result: "refused", error: { status: 400 } });
  expect(await getOne(stack, token, kept.id)).toMatchObject({ readState: "read", userActionState: "noInteraction" });
});

it("stops where the network fails, keeps that change and the later ones in order, and resumes there", async () => {
  const items = await Promise.all([1, 2, 3, 4].map((i) => createForMe(stack, token, visualNotification(`flaky ${i}`))));
  const store = memoryQueueStore();
  await queue(store, ...items.map((n): [QueuedOp] => [{ kind: "update", id: n.id, patch: { readState: "read" }, action: "read" }]));

  // The network drops after two requests.
  let requests = 0;
  const flaky: typeof fetch = (input, init) => (++requests > 2 ? Promise.reject(new TypeError("Failed to fetch")) : fetch(input, init));
  const outcomes: ReplayOutcome[] = [];
  const stopped = await replayQueue(store, USER, targetOf(laptop(flaky)), (o) => outcomes.push(o));
  expect(stopped.stoppedBy).toMatchObject({ status: 0, code: "networkError" });
  expect(outcomes).toHaveLength(2);
  expect((await store.list(USER)).map((c) => (c.op as { id: string }).id)).toEqual([items[2]!.id, items[3]!.id]);
  expect(await getOne(stack, token, items[2]!.id)).toMatchObject({ readState: "unread" });

  await replayQueue(store, USER, targetOf(laptop()), (o) => outcomes.push(o));
  expect(outcomes.map((o) => o.result)).toEqual(["applied", "applied", "applied", "applied"]);
  for (const n of items) expect(await getOne(stack, token, n.id)).toMatchObject({ readState: "read" });
  expect(await store.list(USER)).toEqual([]);
});
