// The outbox wakes itself: an event committed by any writer reaches the
// delivery queue at once — no kick() from the writer, and long before the
// safety-net timer (here a minute) would have found it. An event of a user
// with no endpoint at all is dispatched as no job: nobody could be owed it.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import webpush from "web-push";
import { createNotification } from "../../server/notifications/service";
import { startPushPipeline, type PushPipeline } from "../../server/push/pipeline";
import { createPushServiceRules } from "../../server/push/push-services";
import { PGBOSS_SCHEMA, jobIdForEvent } from "../../server/push/queue";
import { openStore, type Store } from "../../server/store/store";
import { aNewNotification } from "../../testing/builders";
import { createTestStore, type TestStore } from "../../testing/test-database";

const OWNER = { tenantId: "tenant-outbox", userId: "user-outbox" };
const SAFETY_NET_MS = 60_000;
/** Far below the safety net, far above a dispatch (a few ms). */
const AT_ONCE_MS = 3_000;

let testStore: TestStore;
let store: Store;
let pipeline: PushPipeline;

beforeAll(async () => {
  testStore = await createTestStore("memory://");
  store = await openStore(testStore.config);
  const keys = webpush.generateVAPIDKeys();
  pipeline = await startPushPipeline(
    {
      db: store.db,
      exclusiveStore: store.exclusive,
      vapid: { ...keys, subject: "mailto:outbox-tests@contoso.test" },
      rules: createPushServiceRules([]),
      mintActionToken: () => "token",
      now: () => new Date(),
    },
    { dispatchIntervalMs: SAFETY_NET_MS },
  );
  // A browser without push permission: the user has an endpoint, so their events are jobs.
  const now = new Date();
  await store.db.query(
    `INSERT INTO endpoints (id, tenant_id, user_id, platform, created, renewed, expiration) VALUES ($1, $2, $3, 'web', $4, $4, $5)`,
    [randomUUID(), OWNER.tenantId, OWNER.userId, now, new Date(now.getTime() + 86_400_000)],
  );
});

afterAll(async () => {
  await pipeline?.close();
  await store?.close();
  await testStore?.close();
});

async function latestEventSeq(): Promise<string> {
  const { rows } = await store.db.query<{ seq: string }>("SELECT max(seq)::text AS seq FROM notification_events");
  return rows[0]!.seq;
}

/** Milliseconds until the event's delivery job is in the queue. */
async function msUntilQueued(seq: string): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < AT_ONCE_MS) {
    const { rows } = await store.db.query(`SELECT 1 FROM ${PGBOSS_SCHEMA}.job WHERE id = $1`, [jobIdForEvent(seq)]);
    if (rows.length > 0) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`event ${seq} was not dispatched within ${AT_ONCE_MS} ms (the safety net runs every ${SAFETY_NET_MS} ms)`);
}

function newNotification(owner: typeof OWNER, title: string) {
  return createNotification(store.db, aNewNotification(owner, title), { kind: "app", id: "app", endpointId: null });
}

describe("the outbox", () => {
  it("writes an event of a user with no endpoint at all dispatched: it becomes no job, and the outbox has nothing to do", async () => {
    const nobody = { tenantId: OWNER.tenantId, userId: "user-without-devices" };
    await newNotification(nobody, "Nobody to tell");
    const seq = await latestEventSeq();
    const { rows } = await store.db.query<{ dispatched: boolean }>("SELECT dispatched FROM notification_events WHERE seq = $1", [seq]);
    expect(rows).toEqual([{ dispatched: true }]);
    await pipeline.idle();
    expect((await store.db.query(`SELECT 1 FROM ${PGBOSS_SCHEMA}.job WHERE id = $1`, [jobIdForEvent(seq)])).rows).toEqual([]);
  });

  it("makes no job of an event written undispatched by another writer either, when its user has no endpoint", async () => {
    const id = (await store.db.query<{ id: string }>("SELECT id::text AS id FROM notifications WHERE user_id = 'user-without-devices' LIMIT 1")).rows[0]!.id;
    await store.db.query(
      `INSERT INTO notification_events (tenant_id, user_id, notification_id, at, kind, actor_kind) VALUES ($1, 'user-without-devices', $2, now(), 'stateChanged', 'user')`,
      [OWNER.tenantId, id],
    );
    const seq = await latestEventSeq();
    await pipeline.idle();
    expect((await store.db.query("SELECT dispatched FROM notification_events WHERE seq = $1", [seq])).rows).toEqual([{ dispatched: true }]);
    expect((await store.db.query(`SELECT 1 FROM ${PGBOSS_SCHEMA}.job WHERE id = $1`, [jobIdForEvent(seq)])).rows).toEqual([]);
  });

  it("dispatches a committed event at once, without a kick", async () => {
    await newNotification(OWNER, "Build failed");
    expect(await msUntilQueued(await latestEventSeq())).toBeLessThan(AT_ONCE_MS);
  });

  it("dispatches events written inside a larger statement (a bulk change's WITH … INSERT) at once", async () => {
    const id = (await store.db.query<{ id: string }>("SELECT id::text AS id FROM notifications LIMIT 1")).rows[0]!.id;
    await store.db.query(
      `WITH logged AS (
         INSERT INTO notification_events (tenant_id, user_id, notification_id, at, kind, actor_kind)
         VALUES ($1, $2, $3, now(), 'stateChanged', 'user') RETURNING 1)
       SELECT count(*) FROM logged`,
      [OWNER.tenantId, OWNER.userId, id],
    );
    expect(await msUntilQueued(await latestEventSeq())).toBeLessThan(AT_ONCE_MS);
  });
});
