// Delivery workers sharing one store (issue 11): an app instance with its worker
// off enqueues and sends nothing, a worker on the same store sends; a dead
// worker's jobs (stale heartbeat) are due again while a live one's stay its own;
// and two workers never run one user's event jobs at once or out of order.
// In one process on one store object (PGlite allows no second process); the
// PostgreSQL suite tests/postgres/workers.test.ts runs worker processes.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import webpush from "web-push";
import type { PushPayload } from "../../contracts/push-payload";
import { loadConfig, type ServiceConfig } from "../../server/config";
import { startService, startWorker, type Service } from "../../server";
import { createNotification } from "../../server/notifications/service";
import { startDeliveryWorker, type DeliveryWorker } from "../../server/push/delivery-worker";
import { startPushPipeline, type PushPipeline } from "../../server/push/pipeline";
import { createPushServiceRules } from "../../server/push/push-services";
import { PGBOSS_SCHEMA, PUSH_QUEUE, insertJobs, jobIdForEvent, startPushQueue, type PushQueue } from "../../server/push/queue";
import { claimJobs, newWorkerIdentity, registerWorker, sweepDeadWorkers, type WorkerIdentity } from "../../server/push/workers";
import type { Db } from "../../server/store/db";
import { openStore, type Store } from "../../server/store/store";
import { startFakePushService, type FakePushService, type TestSubscription } from "../../testing/fake-push-service";
import { aNewNotification } from "../../testing/builders";
import { createTestStore, type TestStore } from "../../testing/test-database";

const OWNER = { tenantId: "tenant-workers", userId: "user-workers" };

let fake: FakePushService;
beforeAll(async () => {
  fake = await startFakePushService();
});
afterAll(async () => {
  await fake?.close();
});

/** The user's endpoints, written straight into the store. */
async function addEndpoints(db: Db, owner: typeof OWNER, subs: TestSubscription[]): Promise<void> {
  const now = new Date();
  await db.query(
    `INSERT INTO endpoints (id, tenant_id, user_id, platform, target_host_name, app_display_name, device_name,
       push_endpoint, p256dh, auth, created, renewed, expiration)
     SELECT e.id, $1, $2, 'webPush', 'tests.contoso.test', 'Inbox', 'test', e.url, e.p256dh, e.auth, $3, $3, $4
     FROM unnest($5::uuid[], $6::text[], $7::text[], $8::text[]) AS e(id, url, p256dh, auth)`,
    [
      owner.tenantId,
      owner.userId,
      now,
      new Date(now.getTime() + 86_400_000),
      subs.map(() => randomUUID()),
      subs.map((s) => s.endpoint),
      subs.map((s) => s.keys.p256dh),
      subs.map((s) => s.keys.auth),
    ],
  );
}

async function send(db: Db, title: string): Promise<string> {
  const { row } = await createNotification(db, aNewNotification(OWNER, title), { kind: "app", id: "app", endpointId: null });
  return row.id;
}

async function jobStates(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ state: string }>(`SELECT state::text AS state FROM ${PGBOSS_SCHEMA}.job WHERE name = $1 ORDER BY id`, [PUSH_QUEUE]);
  return rows.map((r) => r.state);
}

describe("PUSH_WORKER=off", () => {
  let testStore: TestStore;
  let service: Service | undefined;
  let worker: PushPipeline | undefined;
  afterAll(async () => {
    await worker?.close();
    await service?.close();
    await testStore?.close();
  });

  it("an app instance with its worker off enqueues and sends nothing; a worker on the same store sends", async () => {
    testStore = await createTestStore("memory://", { subject: "mailto:workers-tests@contoso.test" });
    const config: ServiceConfig = {
      ...loadConfig({} as NodeJS.ProcessEnv),
      ...testStore.config,
      seedDemo: false,
      extraPushServices: [fake.origin],
      pushWorker: false,
    };
    service = await startService(config, { push: { ca: fake.caPem, pollingIntervalSeconds: 0.5 } });
    const { db } = service.store;
    const subs = [fake.createSubscription(), fake.createSubscription(), fake.createSubscription()];
    await addEndpoints(db, OWNER, subs);
    const ids = [await send(db, "First"), await send(db, "Second")];

    // Both events are jobs (the app's outbox runs), and they stay queued: no worker here.
    const deadline = Date.now() + 5000;
    while ((await jobStates(db)).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 1500));
    expect(await jobStates(db)).toEqual(["created", "created"]);
    expect(fake.requests()).toEqual([]);
    expect((await db.query("SELECT 1 FROM push_workers")).rows).toEqual([]);

    // A worker on the same store takes them.
    const keys = testStore.config.vapid.publicKey ? testStore.config.vapid : { ...webpush.generateVAPIDKeys(), subject: testStore.config.vapid.subject };
    worker = await startPushPipeline(
      {
        db,
        exclusiveStore: service.store.exclusive,
        worker: true,
        vapid: { publicKey: keys.publicKey!, privateKey: keys.privateKey!, subject: keys.subject },
        rules: createPushServiceRules([fake.origin]),
        mintActionToken: () => "token",
        now: () => new Date(),
      },
      { ca: fake.caPem },
    );
    await worker.idle();
    for (const s of subs) {
      expect(fake.deliveries(s.endpoint).map((d) => (d.json as PushPayload).notification.id)).toEqual(ids);
    }
    expect(await jobStates(db)).toEqual(["completed", "completed"]);
    expect(service.push.totals.jobs).toBe(0);
    expect(worker.totals.jobs).toBe(2);

    // A clean stop removes the worker's row.
    await worker.close();
    worker = undefined;
    expect((await db.query("SELECT 1 FROM push_workers")).rows).toEqual([]);
  });
});

describe("npm run worker's process", () => {
  it("registers, serves its own /metrics (deliveries, the queue it drains), and stops serving it on close", async () => {
    const store = await createTestStore("memory://", { subject: "mailto:workers-tests@contoso.test" });
    const config: ServiceConfig = { ...loadConfig({} as NodeJS.ProcessEnv), ...store.config, seedDemo: false, extraPushServices: [fake.origin] };
    const w = await startWorker(config, { metricsListener: { port: 0, host: "127.0.0.1" } });
    try {
      expect((await w.store.db.query("SELECT 1 FROM push_workers")).rows).toHaveLength(1);
      expect(w.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const text = await (await fetch(w.metricsUrl!)).text();
      expect(text).toContain("# TYPE notifications_push_deliveries_total counter");
      expect(text).toMatch(/^notifications_push_queue_jobs\{state="due"\} 0$/m);
    } finally {
      const url = w.metricsUrl!;
      await w.close();
      await store.close();
      await expect(fetch(url)).rejects.toThrow();
    }
  });
});

describe("workers sharing a queue", () => {
  let testStore: TestStore;
  let store: Store;
  let queue: PushQueue;
  const workers: DeliveryWorker[] = [];

  beforeAll(async () => {
    testStore = await createTestStore("memory://");
    store = await openStore(testStore.config);
    queue = await startPushQueue(store.db);
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop(0, () => undefined)));
    await store.db.query(`DELETE FROM ${PGBOSS_SCHEMA}.job`);
    await store.db.query("DELETE FROM push_job_claims");
    await store.db.query("DELETE FROM push_workers");
  });
  afterAll(async () => {
    await queue?.stop();
    await store?.close();
    await testStore?.close();
  });

  async function enqueue(jobs: Array<{ seq: number; user: string }>): Promise<void> {
    await insertJobs(
      queue.boss,
      store.db,
      jobs.map((j) => ({ id: jobIdForEvent(String(j.seq)), name: PUSH_QUEUE, data: { seq: String(j.seq), user: j.user } })),
    );
  }

  async function stateOf(seq: number): Promise<{ state: string; due: boolean; claimedBy: string | null }> {
    const { rows } = await store.db.query<{ state: string; due: boolean; claimed_by: string | null }>(
      `SELECT j.state::text AS state, j.start_after <= now() AS due, c.worker_id AS claimed_by
         FROM ${PGBOSS_SCHEMA}.job j LEFT JOIN push_job_claims c ON c.job_id = j.id
        WHERE j.name = $1 AND j.id = $2`,
      [PUSH_QUEUE, jobIdForEvent(String(seq))],
    );
    return { state: rows[0]!.state, due: rows[0]!.due, claimedBy: rows[0]!.claimed_by };
  }

  it("a dead worker's active jobs are due again at once; a live worker's stay its own", async () => {
    await enqueue([
      { seq: 1, user: "t|dead" },
      { seq: 2, user: "t|live" },
      { seq: 3, user: "t|orphan" },
    ]);
    const dead: WorkerIdentity = newWorkerIdentity();
    const live: WorkerIdentity = newWorkerIdentity();
    await registerWorker(store.db, dead);
    await registerWorker(store.db, live);
    expect((await claimJobs(store.db, queue.boss, dead, 1)).map((j) => j.data.seq)).toEqual(["1"]);
    expect((await claimJobs(store.db, queue.boss, live, 1)).map((j) => j.data.seq)).toEqual(["2"]);
    // Active with no claim (a process from before claims existed) and started long ago.
    await store.db.query(
      `UPDATE ${PGBOSS_SCHEMA}.job SET state = 'active', started_on = now() - interval '1 hour' WHERE name = $1 AND id = $2`,
      [PUSH_QUEUE, jobIdForEvent("3")],
    );

    // No heartbeat is stale yet: the sweep takes nothing, and only the orphan when asked to look for those.
    expect(await sweepDeadWorkers(store.db, { staleAfterMs: 15_000 })).toBe(0);
    expect(await stateOf(3)).toMatchObject({ state: "active" });
    expect(await sweepDeadWorkers(store.db, { staleAfterMs: 15_000, orphans: true })).toBe(1);
    expect(await stateOf(3)).toMatchObject({ state: "retry", due: true });
    expect(await stateOf(1)).toEqual({ state: "active", due: true, claimedBy: dead.id });

    // The dead one's heartbeat is 3 intervals old; the live one's is fresh.
    await store.db.query("UPDATE push_workers SET heartbeat_at = now() - interval '16 seconds' WHERE id = $1", [dead.id]);
    expect(await sweepDeadWorkers(store.db, { staleAfterMs: 15_000 })).toBe(1);
    expect(await stateOf(1)).toEqual({ state: "retry", due: true, claimedBy: null });
    expect(await stateOf(2)).toEqual({ state: "active", due: true, claimedBy: live.id });
    const rows = (await store.db.query<{ id: string }>("SELECT id FROM push_workers")).rows.map((r) => r.id);
    expect(rows).toEqual([live.id]);

    // Due again means fetched again: another worker takes the dead one's job.
    expect((await claimJobs(store.db, queue.boss, live, 5)).map((j) => j.data.seq).sort()).toEqual(["1", "3"]);
  });

  it("two workers run one user's event jobs one at a time, in event order", async () => {
    const users = ["t|a", "t|b", "t|c", "t|d", "t|e"];
    const jobs = Array.from({ length: 30 }, (_, i) => ({ seq: i + 1, user: users[i % users.length]! }));
    await enqueue(jobs);
    const runs: Array<{ user: string; seq: number; start: number; end: number; worker: number }> = [];
    const start = (n: number) =>
      startDeliveryWorker(
        {
          db: store.db,
          boss: queue.boss,
          exclusiveStore: false,
          async run(job) {
            const r = { user: job.data.user!, seq: Number(job.data.seq), start: performance.now(), end: 0, worker: n };
            runs.push(r);
            await new Promise((resolve) => setTimeout(resolve, 15));
            r.end = performance.now();
          },
        },
        { batchSize: 4, pollingIntervalMs: 50 },
      );
    workers.push(...(await Promise.all([start(0), start(1)])));
    const deadline = Date.now() + 30_000;
    while ((await jobStates(store.db)).some((s) => s !== "completed")) {
      if (Date.now() > deadline) throw new Error(`not done: ${JSON.stringify(await jobStates(store.db))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(runs.map((r) => r.seq).sort((a, b) => a - b)).toEqual(jobs.map((j) => j.seq));
    for (const user of users) {
      const mine = runs.filter((r) => r.user === user).sort((a, b) => a.start - b.start);
      expect(mine.map((r) => r.seq), user).toEqual(jobs.filter((j) => j.user === user).map((j) => j.seq));
      for (let i = 1; i < mine.length; i++) expect(mine[i]!.start, `${user}: no overlap`).toBeGreaterThanOrEqual(mine[i - 1]!.end);
    }
    // Both took part.
    expect(new Set(runs.map((r) => r.worker))).toEqual(new Set([0, 1]));
    expect((await store.db.query("SELECT 1 FROM push_job_claims")).rows).toEqual([]);
  }, 60_000);
});
