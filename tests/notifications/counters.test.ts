// The unread count and the cap read per-user counters (migration 12) instead of
// counting the inbox. Whatever changes a user's inbox — a POST, a replacement
// by appNotificationId (of a read item, of a deleted one), PATCH read/unread,
// dismiss, snooze and its waking, DELETE, markAllAsRead and dismissAll, a POST
// refused at the cap, time passing an expiration with no write at all, the
// maintenance pass's purge and pruning, and writers that are not the API (a
// bulk load, an administrator's DELETE or TRUNCATE) — after each step the O(1)
// answers equal a brute-force count of what they count: unread, active,
// unexpired items (`$count` as the badge asks, the push payload's and the
// stream's count, support's summary), and active, unexpired ones (`$count`
// unfiltered, the cap). On PostgreSQL (POSTGRES_SUITES) the last part runs
// writers of one user concurrently.
import { randomUUID } from "node:crypto";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SUPPORT_REASON_HEADER, encodeSupportReason } from "../../contracts/support";
import { countedQuery, overQuotaQuery, unreadCountQuery, type Owner } from "../../server/notifications/queries";
import type { Db } from "../../server/store/db";
import { openPgliteDb } from "../../server/store/drivers/pglite";
import { openPostgresDb } from "../../server/store/drivers/postgres";
import { MIGRATIONS, migrate } from "../../server/store/migrations";
import { seed } from "../../testing/bulk-seed";
import { startClockStack, type ClockStack } from "../../testing/clock-stack";
import type { Stack } from "../../testing/stack";
import { createTestDatabase, onPostgres } from "../../testing/test-database";
import { users } from "../../testing/users";
import { call, countOf, expectGraphError, inBatches, visualNotification, type Notification, type Page } from "../helpers/graph";

const { adele: ADELE, megan: MEGAN, sam: SAM } = users;
const CAP = 40;
const MINUTE = 60_000;
const DAY = 86_400_000;
const UNREAD = "readState eq 'unread' and status eq 'active'";

let clock: ClockStack;
let stack: Stack;
let app: string;
let adele: string;
let megan: string;
let sam: string;
let adeleOwner: Owner;
let meganOwner: Owner;

/** The provider's own claims, signed again so the token is valid on the moved clock too. */
async function resigned(token: string): Promise<string> {
  const claims = decodeJwt(token);
  const now = Math.floor(clock.now().getTime() / 1000);
  return clock.sign({ ...claims, nbf: undefined, iat: Math.floor(Date.now() / 1000), exp: now + 3600, jti: randomUUID() });
}

/** The old definitions, counted row by row at the service's instant. */
async function bruteForce(o: Owner): Promise<{ unread: number; active: number }> {
  const { rows } = await stack.db.query<{ unread: number; active: number }>(
    `SELECT count(*) FILTER (WHERE read_state = 'unread')::int AS unread, count(*)::int AS active FROM notifications
      WHERE tenant_id = $1 AND user_id = $2 AND status = 'active' AND expiration > $3`,
    [o.tenantId, o.userId, clock.now()],
  );
  return rows[0]!;
}

async function sql<T>(q: { text: string; params: unknown[] }): Promise<T> {
  return (await stack.db.query<T>(q.text, q.params)).rows[0]!;
}

/** Every O(1) answer equals the brute-force count, for both users; returns Adele's. */
async function expectExact(step: string, tokens = { adele, megan }): Promise<{ unread: number; active: number }> {
  for (const [who, owner, token] of [
    ["adele", adeleOwner, tokens.adele],
    ["megan", meganOwner, tokens.megan],
  ] as const) {
    const want = await bruteForce(owner);
    const at = clock.now();
    expect({ who, step, unread: await countOf(stack, token, UNREAD) }).toEqual({ who, step, unread: want.unread });
    expect({ who, step, unread: await countOf(stack, token, "readState eq 'unread'") }).toEqual({ who, step, unread: want.unread });
    expect({ who, step, active: await countOf(stack, token) }).toEqual({ who, step, active: want.active });
    // The push payload's and the stream's count (server/push/delivery/job.ts, the stream hub).
    expect({ who, step, unread: (await sql<{ count: number }>(unreadCountQuery(owner, at))).count }).toEqual({ who, step, unread: want.unread });
    expect({ who, step, active: (await sql<{ count: number }>(countedQuery(owner, "active", at))).count }).toEqual({ who, step, active: want.active });
    // The cap: over it exactly when the live items exceed it.
    for (const cap of [Math.max(0, want.active - 1), want.active]) {
      const { over } = await sql<{ over: boolean }>(overQuotaQuery(owner, cap, at));
      expect({ who, step, cap, over }).toEqual({ who, step, cap, over: want.active > cap });
    }
  }
  return bruteForce(adeleOwner);
}

const send = (body: Record<string, unknown>, to = ADELE.upn) =>
  call<Notification>(stack, `/users/${to}/notifications`, { token: app, json: body });

async function sent(body: Record<string, unknown>, to = ADELE.upn): Promise<Notification> {
  const res = await send(body, to);
  expect(res.status, res.text).toBe(201);
  return res.body;
}

const patch = async (token: string, id: string, body: Record<string, unknown>) => {
  const res = await call<Notification>(stack, `/me/notifications/${id}`, { method: "PATCH", token, json: body });
  expect(res.status, res.text).toBe(200);
  return res.body;
};

beforeAll(async () => {
  clock = await startClockStack("counters-clock-key", { config: { maxActiveNotifications: CAP } });
  stack = clock.stack;
  app = await stack.appTokenFor();
  adele = await stack.tokenFor(ADELE.upn);
  megan = await stack.tokenFor(MEGAN.upn);
  sam = await stack.tokenFor(SAM.upn);
  adeleOwner = { tenantId: ADELE.tenantId, userId: ADELE.oid };
  meganOwner = { tenantId: MEGAN.tenantId, userId: MEGAN.oid };
  // Signed in once each, so the app can address them by UPN.
  await countOf(stack, adele);
  await countOf(stack, megan);
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe("the per-user counters stay exact through every change", () => {
  it("POST, replace, PATCH read/unread, dismiss, snooze and waking, DELETE, revive", async () => {
    expect(await expectExact("empty")).toEqual({ unread: 0, active: 0 });

    const a = await sent(visualNotification("A", { appNotificationId: "a", groupName: "g1" }));
    const b = await sent(visualNotification("B", { groupName: "g1" }));
    const c = await sent(visualNotification("C", { groupName: "g2" }));
    const own = await call<Notification>(stack, "/me/notifications", { token: adele, json: visualNotification("Own") });
    expect(own.status, own.text).toBe(201);
    await sent(visualNotification("Megan's"), MEGAN.upn);
    expect(await expectExact("posts")).toEqual({ unread: 4, active: 4 });

    await patch(adele, a.id, { readState: "read" });
    expect(await expectExact("read")).toEqual({ unread: 3, active: 4 });
    // Replacing by appNotificationId resets it to unread: one more unread, no more live.
    expect((await sent(visualNotification("A again", { appNotificationId: "a", groupName: "g1" }))).id).toBe(a.id);
    expect(await expectExact("replace a read one")).toEqual({ unread: 4, active: 4 });
    await patch(adele, a.id, { readState: "read" });
    await patch(adele, a.id, { readState: "unread" });
    await patch(adele, a.id, { readState: "unread" });
    expect(await expectExact("unread again, twice")).toEqual({ unread: 4, active: 4 });

    await patch(adele, b.id, { userActionState: "dismissed" });
    await patch(adele, b.id, { readState: "read", userActionState: "activated" });
    expect(await expectExact("dismissed, then read and activated together")).toEqual({ unread: 3, active: 4 });

    // Snoozed items still count as unread; waking them changes nothing counted.
    await patch(adele, c.id, { userActionState: "snoozed", snoozedUntilDateTime: new Date(clock.now().getTime() + 2 * MINUTE).toISOString() });
    expect(await expectExact("snoozed")).toEqual({ unread: 3, active: 4 });
    clock.advance(3 * MINUTE);
    const woke = await call<Notification>(stack, `/me/notifications/${c.id}`, { token: adele });
    expect(woke.body.userActionState).toBe("noInteraction");
    expect(await expectExact("woke")).toEqual({ unread: 3, active: 4 });

    expect((await call(stack, `/me/notifications/${c.id}`, { method: "DELETE", token: adele })).status).toBe(204);
    expect((await call(stack, `/me/notifications/${b.id}`, { method: "DELETE", token: adele })).status).toBe(204);
    expect(await expectExact("deleted an unread and a read one")).toEqual({ unread: 2, active: 2 });
    // A deleted one replaced by its appNotificationId is live (and unread) again.
    expect((await call(stack, `/me/notifications/${a.id}`, { method: "DELETE", token: adele })).status).toBe(204);
    expect(await expectExact("deleted a")).toEqual({ unread: 1, active: 1 });
    expect((await sent(visualNotification("A revived", { appNotificationId: "a" }))).id).toBe(a.id);
    expect(await expectExact("revived a")).toEqual({ unread: 2, active: 2 });
  });

  it("markAllAsRead and dismissAll, by group and in all, and a POST refused at the cap", async () => {
    await inBatches(Array.from({ length: 12 }, (_, i) => i), 4, (i) => sent(visualNotification(`Bulk ${i}`, { groupName: i % 2 ? "odd" : "even" })));
    const before = await expectExact("twelve more");
    const odd = await call<{ updated: number }>(stack, "/me/notifications/markAllAsRead", { token: adele, json: { groupName: "odd" } });
    expect(odd.body.updated).toBe(6);
    expect(await expectExact("odd group read")).toEqual({ unread: before.unread - 6, active: before.active });
    expect((await call(stack, "/me/notifications/dismissAll", { token: adele, json: {} })).status).toBe(200);
    expect(await expectExact("all dismissed")).toEqual({ unread: before.unread - 6, active: before.active });
    expect((await call<{ updated: number }>(stack, "/me/notifications/markAllAsRead", { token: adele, json: {} })).status).toBe(200);
    expect(await expectExact("all read")).toEqual({ unread: 0, active: before.active });

    // Up to the cap, then one refused: the rolled-back insert leaves the counters as they were.
    const room = CAP - before.active;
    await inBatches(Array.from({ length: room }, (_, i) => i), 8, (i) => sent(visualNotification(`Fill ${i}`)));
    expect(await expectExact("full")).toEqual({ unread: room, active: CAP });
    expectGraphError(await send(visualNotification("One too many")), 403, "quotaLimitReached");
    expect(await expectExact("refused at the cap")).toEqual({ unread: room, active: CAP });
  });

  it("counts off expired items with no write at that instant, and keeps counting right through the purge and pruning", async () => {
    const start = await expectExact("before expiry");
    const soon = new Date(clock.now().getTime() + 5 * MINUTE).toISOString();
    // The cap is full: make room first, then send items that expire in five minutes.
    const page = await call<Page>(stack, "/me/notifications?$top=5", { token: adele });
    for (const n of page.body.value) expect((await call(stack, `/me/notifications/${n.id}`, { method: "DELETE", token: adele })).status).toBe(204);
    for (let i = 0; i < 5; i++) await sent(visualNotification(`Expiring ${i}`, { expirationDateTime: soon }));
    const expiring = await call<Page>(stack, "/me/notifications?$top=2", { token: adele });
    await patch(adele, expiring.body.value[0]!.id, { readState: "read" });
    expect(await expectExact("five expiring, one of them read")).toEqual({ unread: start.unread - 1, active: CAP });

    clock.advance(6 * MINUTE);
    const expired = await expectExact("expired, not yet purged");
    expect(expired.active).toBe(CAP - 5);
    // The cap counts the expired ones off too: a POST fits again.
    expect((await send(visualNotification("Fits after expiry"))).status).toBe(201);
    await expectExact("one more after expiry");

    await stack.runMaintenance();
    const { rows } = await stack.db.query<{ n: number }>("SELECT count(*)::int AS n FROM notifications WHERE expiration <= $1", [clock.now()]);
    expect(rows[0]!.n).toBe(0);
    await expectExact("purged");

    // Weeks pass: everything expires and history is pruned (tokens signed again for the moved clock).
    clock.advance(40 * DAY);
    const later = { adele: await resigned(adele), megan: await resigned(megan) };
    expect(await expectExact("all expired", later)).toEqual({ unread: 0, active: 0 });
    await stack.runMaintenance();
    expect(await expectExact("all purged, history pruned", later)).toEqual({ unread: 0, active: 0 });
    adele = later.adele;
    megan = later.megan;
    sam = await resigned(sam);
    app = await resigned(app);
  });

  it("is the count the support summary shows", async () => {
    for (let i = 0; i < 3; i++) await sent(visualNotification(`For support ${i}`));
    const want = await expectExact("three for support");
    const summary = await call<{ unreadCount: number }>(stack, `/users/${ADELE.oid}`, {
      token: sam,
      headers: { [SUPPORT_REASON_HEADER]: encodeSupportReason("Checking the badge") },
    });
    expect(summary.status, summary.text).toBe(200);
    expect(summary.body.unreadCount).toBe(want.unread);
  });

  it("keeps writers that are not the API honest: a bulk load, an administrator's DELETE, TRUNCATE", async () => {
    await seed(stack.db, { tenantId: MEGAN.tenantId, bigUser: { oid: MEGAN.oid, upn: MEGAN.upn, name: MEGAN.name }, big: 30, users: 0, perUser: 0 });
    expect((await expectExact("seeded by SQL")).active).toBeGreaterThan(0);
    await stack.db.query("DELETE FROM notifications WHERE tenant_id = $1 AND user_id = $2 AND read_state = 'unread'", [MEGAN.tenantId, MEGAN.oid]);
    await expectExact("an administrator deleted Megan's unread items");
    await stack.db.query("UPDATE notifications SET status = 'deleted' WHERE tenant_id = $1 AND user_id = $2", [ADELE.tenantId, ADELE.oid]);
    expect(await expectExact("an administrator deleted all of Adele's")).toEqual({ unread: 0, active: 0 });
    await sent(visualNotification("After the cleanup"));
    await stack.db.exec("TRUNCATE notifications");
    expect(await expectExact("truncated")).toEqual({ unread: 0, active: 0 });
    await sent(visualNotification("After the truncate"));
    expect(await expectExact("after the truncate")).toEqual({ unread: 1, active: 1 });
  });

  it(`stays exact with one user's writers running at once${onPostgres() ? " (PostgreSQL: concurrent transactions)" : ""}`, async () => {
    const items = await inBatches(Array.from({ length: 24 }, (_, i) => i), 24, (i) => sent(visualNotification(`Race ${i}`, { appNotificationId: `race-${i % 16}` })));
    await expectExact("24 concurrent POSTs, 8 of them replacing");
    const ids = [...new Set(items.map((n) => n.id))];
    await Promise.all([
      ...ids.slice(0, 6).map((id) => patch(adele, id, { readState: "read" })),
      ...ids.slice(6, 10).map((id) => call(stack, `/me/notifications/${id}`, { method: "DELETE", token: adele })),
      ...ids.slice(10, 12).map((id) => patch(adele, id, { userActionState: "dismissed" })),
      call(stack, "/me/notifications/markAllAsRead", { token: adele, json: { groupName: "nobody's" } }),
      ...Array.from({ length: 6 }, (_, i) => send(visualNotification(`Race again ${i}`, { appNotificationId: `race-${i}` }))),
      ...Array.from({ length: 6 }, (_, i) => send(visualNotification(`Megan's race ${i}`), MEGAN.upn)),
    ]);
    await expectExact("PATCHes, DELETEs, a bulk change and POSTs at once");
    await Promise.all([
      call(stack, "/me/notifications/markAllAsRead", { token: adele, json: {} }),
      ...Array.from({ length: 8 }, (_, i) => send(visualNotification(`During mark all ${i}`))),
      ...ids.slice(12).map((id) => patch(adele, id, { readState: "unread" })),
    ]);
    await expectExact("mark all read beside POSTs and PATCHes");
    // Rounds of everything at once on a full-ish inbox: toggles of the same items, replacements, deletes.
    for (let round = 0; round < 3; round++) {
      const page = await call<Page>(stack, "/me/notifications?$top=20", { token: adele });
      const live = page.body.value.map((n) => n.id);
      await Promise.all([
        // (Some of these meet an item deleted beside them: 404, and nothing changes.)
        ...live.map((id, i) => call(stack, `/me/notifications/${id}`, { method: "PATCH", token: adele, json: { readState: (i + round) % 2 ? "read" : "unread" } })),
        ...live.slice(0, 10).map((id, i) => patch(adele, id, { readState: (i + round) % 2 ? "unread" : "read" })),
        ...live.slice(15).map((id) => call(stack, `/me/notifications/${id}`, { method: "DELETE", token: adele })),
        ...Array.from({ length: 8 }, (_, i) => send(visualNotification(`Round ${round} ${i}`, { appNotificationId: `round-${i % 4}` }))),
        round === 1 ? call(stack, "/me/notifications/markAllAsRead", { token: adele, json: {} }) : Promise.resolve(),
      ]);
      await expectExact(`concurrent round ${round}`);
    }
  });
});

describe("migration 12 on a store that already holds notifications", () => {
  it("counts what is there: the counters start equal to a count of the rows", async () => {
    const database = onPostgres() ? await createTestDatabase() : undefined;
    const db: Db = database ? await openPostgresDb(database.url) : await openPgliteDb("memory://counters-backfill");
    try {
      await migrate(db, MIGRATIONS.filter((m) => m.version < 12));
      await seed(db, { tenantId: ADELE.tenantId, bigUser: { oid: ADELE.oid, upn: ADELE.upn, name: ADELE.name }, big: 300, users: 5, perUser: 20 });
      // Some deleted and some expired rows, which the counters must leave out (expired: by the read's correction).
      await db.query("UPDATE notifications SET status = 'deleted' WHERE ctid IN (SELECT ctid FROM notifications ORDER BY id LIMIT 40)");
      await db.query("UPDATE notifications SET expiration = now() - interval '1 minute' WHERE ctid IN (SELECT ctid FROM notifications ORDER BY id DESC LIMIT 25)");
      expect(await migrate(db)).toContain(12);
      const { rows } = await db.query<{ tenant_id: string; user_id: string; unread: number; active: number }>(
        `SELECT tenant_id, user_id, count(*) FILTER (WHERE read_state = 'unread')::int AS unread, count(*)::int AS active
          FROM notifications WHERE status = 'active' AND expiration > now() GROUP BY 1, 2`,
      );
      expect(rows.length).toBe(6);
      for (const r of rows) {
        const owner = { tenantId: r.tenant_id, userId: r.user_id };
        const at = new Date();
        expect((await db.query<{ count: number }>(unreadCountQuery(owner, at).text, unreadCountQuery(owner, at).params)).rows[0]!.count).toBe(r.unread);
        const active = countedQuery(owner, "active", at);
        expect((await db.query<{ count: number }>(active.text, active.params)).rows[0]!.count).toBe(r.active);
      }
    } finally {
      await db.close();
      await database?.drop();
    }
  });
});
