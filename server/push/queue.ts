// The durable delivery queue: pg-boss 10 in schema `pgboss` of the service's
// own database (PGlite in the embedded mode), so a job and the outbox row it
// came from commit in one transaction.
import PgBoss from "pg-boss";
import type { Db, Queryable } from "../store/db";

export const PUSH_QUEUE = "push-delivery";
export const PGBOSS_SCHEMA = "pgboss";
/**
 * NOTIFYed in the transaction that enqueues event jobs (the outbox): every
 * delivery worker LISTENs and fetches at once, in whichever process it runs.
 */
export const PUSH_JOBS_CHANNEL = "push_jobs";

/** What one delivery job carries. */
export interface PushJobData {
  /** notification_events.seq, as text (bigint). */
  seq: string;
  /** `tenant|user` of the event: one user's jobs run in order, different users' side by side. */
  user?: string;
  /** A retry job: only these endpoints (those whose last attempt must be retried). */
  endpointIds?: string[];
}

/**
 * pg-boss speaks `executeSql(text, values)`. PGlite runs parameterless,
 * multi-statement text (schema setup, maintenance in BEGIN…COMMIT) only
 * through exec(), and everything else through query() (field notes).
 */
export function pgBossDb(q: Queryable, inFlight?: Set<Promise<unknown>>): PgBoss.Db {
  const run = async (text: string, values?: unknown[]) => {
    if (values !== undefined && values.length > 0) return { rows: (await q.query(text, values)).rows };
    try {
      return { rows: (await q.query(text)).rows };
    } catch (err) {
      if (!/multiple commands/i.test(String((err as Error).message))) throw err;
      await q.exec(text);
      return { rows: [] };
    }
  };
  return {
    executeSql(text: string, values?: unknown[]) {
      const done = run(text, values);
      if (inFlight) {
        inFlight.add(done);
        void done.then(
          () => inFlight.delete(done),
          () => inFlight.delete(done),
        );
      }
      return done;
    },
  };
}

/** Inserts jobs inside the caller's transaction: they commit (or vanish) with what caused them. */
export async function insertJobs(boss: PgBoss, tx: Queryable, jobs: PgBoss.JobInsert<PushJobData>[]): Promise<void> {
  if (jobs.length > 0) await boss.insert(jobs, { db: pgBossDb(tx) });
}

/**
 * Delivery jobs running, queued and due, or (with `includeScheduled`) queued
 * for later, such as retries waiting out their backoff. An event's own job
 * queued for later (held back behind an earlier job of its user, or retried
 * after its handler failed) is work still to do: it always counts.
 */
export async function countPendingJobs(db: Queryable, includeScheduled: boolean): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${PGBOSS_SCHEMA}.job
      WHERE name = $1 AND (state = 'active' OR (state IN ('created', 'retry')
        AND ($2 OR start_after <= now() OR data->'endpointIds' IS NULL)))`,
    [PUSH_QUEUE, includeScheduled],
  );
  return rows[0]!.n;
}

/**
 * A job id that only depends on the event: a second enqueue of the same event
 * (were the outbox mark ever lost) hits the primary key and is a no-op.
 */
export function jobIdForEvent(seq: string): string {
  const hex = BigInt(seq).toString(16).padStart(12, "0");
  if (hex.length > 12) throw new Error(`event seq ${seq} does not fit a job id`);
  return `00000000-0000-4000-8000-${hex}`;
}

export interface PushQueueOptions {
  /** pg-boss maintenance (expiry of stuck jobs, archiving). */
  maintenanceIntervalSeconds?: number;
}

export interface PushQueue {
  boss: PgBoss;
  stop(): Promise<void>;
}

/**
 * pg-boss on `db`, its schema installed or migrated, and the delivery queue
 * created if it is not there yet (one process at a time: oneAtATime).
 */
async function startBoss(
  db: Db,
  opts: { supervise: boolean; maintenanceIntervalSeconds?: number; inFlight?: Set<Promise<unknown>> },
): Promise<PgBoss> {
  const boss = new PgBoss({
    db: pgBossDb(db, opts.inFlight),
    schema: PGBOSS_SCHEMA,
    migrate: true,
    supervise: opts.supervise,
    // No cron schedules: the service's own timers drive maintenance.
    schedule: false,
    maintenanceIntervalSeconds: opts.maintenanceIntervalSeconds ?? 60,
    // Completed jobs leave the job table quickly: the fetch scans it.
    archiveCompletedAfterSeconds: 3600,
    deleteAfterDays: 2,
  });
  boss.on("error", (err: Error) => console.error("[push] queue error:", err.message));
  await oneAtATime(db, async () => {
    await boss.start();
    await boss.createQueue(PUSH_QUEUE, {
      name: PUSH_QUEUE,
      // A handler crash (e.g. the store failing) retries the job; push-service
      // answers are retried by our own retry jobs, not by this.
      retryLimit: 3,
      retryDelay: 2,
      retryBackoff: true,
      // A fan-out to 10,000 endpoints takes seconds; one stuck longer is failed and retried. A dead
      // worker's jobs are handed over long before by the heartbeat sweep (workers.ts): this is the last net.
      expireInSeconds: 300,
    });
  });
  return boss;
}

/**
 * pg-boss's install is not safe for two processes at once (its `CREATE SCHEMA
 * IF NOT EXISTS` and queue creation race: a duplicate key or a deadlock), so
 * processes starting together on one database start it one after the other,
 * under a session advisory lock of its own (PGlite: one session, no contention).
 */
const BOSS_START_LOCK_KEY = "hashtextextended('graph-notifications.pgboss-start', 0)";

function oneAtATime<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  return db.session(async (s) => {
    await s.query(`SELECT pg_advisory_lock(${BOSS_START_LOCK_KEY})`);
    try {
      return await fn();
    } finally {
      await s.query(`SELECT pg_advisory_unlock(${BOSS_START_LOCK_KEY})`);
    }
  });
}

/**
 * `npm run migrate`: pg-boss's schema and the delivery queue, made by the role
 * that owns the database's objects, so that the service's own role needs no
 * more than the README's GRANTs.
 */
export async function installPushQueue(db: Db): Promise<void> {
  const boss = await startBoss(db, { supervise: false });
  await boss.stop({ graceful: false, close: false, wait: true });
}

/**
 * Starts pg-boss on `db` and creates the queue. Jobs are fetched, run and
 * handed over between processes by the delivery worker (delivery-worker.ts,
 * with the ownership rules of workers.ts), not by pg-boss's own work() loop.
 */
export async function startPushQueue(db: Db, opts: PushQueueOptions = {}): Promise<PushQueue> {
  // pg-boss 10 does not await everything it starts (maintenance, for one) before stop() returns: its
  // statements are tracked so stop() can wait for them while the store is still open.
  const inFlight = new Set<Promise<unknown>>();
  const boss = await startBoss(db, { supervise: true, maintenanceIntervalSeconds: opts.maintenanceIntervalSeconds, inFlight });
  return {
    boss,
    async stop() {
      await boss.stop({ graceful: true, timeout: 1000, close: false, wait: true });
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
