// The durable delivery queue: pg-boss 10 in schema `pgboss` of the service's
// own database (PGlite in the embedded mode), so a job and the outbox row it
// came from commit in one transaction.
import PgBoss from "pg-boss";
import type { Queryable } from "../store/db";

export const PUSH_QUEUE = "push-delivery";
export const PGBOSS_SCHEMA = "pgboss";

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
 * for later, such as retries waiting out their backoff.
 */
export async function countPendingJobs(db: Queryable, includeScheduled: boolean): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${PGBOSS_SCHEMA}.job
      WHERE name = $1 AND (state = 'active' OR (state IN ('created', 'retry') AND ($2 OR start_after <= now())))`,
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
  /** How often an idle worker polls when nothing notified it (pg-boss minimum 0.5 s). */
  pollingIntervalSeconds?: number;
  /** pg-boss maintenance (expiry of stuck jobs, archiving). */
  maintenanceIntervalSeconds?: number;
  /**
   * This process is the store's only user (PGlite's data folder lock): jobs
   * found `active` at start belonged to a dead process and are made due again.
   * Never on a shared PostgreSQL, where they may be another instance's running
   * jobs: there pg-boss's expiry (expireInSeconds) fails and retries them.
   */
  recoverActive?: boolean;
}

export interface PushQueue {
  boss: PgBoss;
  /** Jobs left `active` by a process that died: made due again at once. */
  recovered: number;
  stop(): Promise<void>;
}

/**
 * pg-boss on `db`, its schema installed or migrated (under pg-boss's own
 * advisory lock), and the delivery queue created if it is not there yet.
 */
async function startBoss(
  db: Queryable,
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
  await boss.start();
  await boss.createQueue(PUSH_QUEUE, {
    name: PUSH_QUEUE,
    // A handler crash (e.g. the store failing) retries the job; push-service
    // answers are retried by our own retry jobs, not by this.
    retryLimit: 3,
    retryDelay: 2,
    retryBackoff: true,
    // A fan-out to 10,000 endpoints takes seconds; one stuck longer is failed and retried.
    expireInSeconds: 300,
  });
  return boss;
}

/**
 * `npm run migrate`: pg-boss's schema and the delivery queue, made by the role
 * that owns the database's objects, so that the service's own role needs no
 * more than the README's GRANTs.
 */
export async function installPushQueue(db: Queryable): Promise<void> {
  const boss = await startBoss(db, { supervise: false });
  await boss.stop({ graceful: false, close: false, wait: true });
}

/**
 * Starts pg-boss on `db` and creates the queue. In the embedded mode one
 * process owns the data folder (its lock), so a job still `active` at start
 * belonged to a dead process: with `recoverActive` it is set back to `retry`,
 * due now, with one SQL statement on pg-boss's own table (pg-boss 10 would
 * otherwise wait for the job's expireIn and the next maintenance). Its rerun
 * skips the endpoints whose results were recorded. On a shared PostgreSQL
 * (`recoverActive` false) a dead instance's jobs wait for pg-boss's expiry.
 */
export async function startPushQueue(db: Queryable, opts: PushQueueOptions = {}): Promise<PushQueue> {
  // pg-boss 10 does not await a batch's completion (or a fetch) before stop() returns: its
  // statements are tracked so stop() can wait for them while the store is still open.
  const inFlight = new Set<Promise<unknown>>();
  const boss = await startBoss(db, { supervise: true, maintenanceIntervalSeconds: opts.maintenanceIntervalSeconds, inFlight });
  let recovered = 0;
  if (opts.recoverActive) {
    const { rows } = await db.query<{ n: number }>(
      `WITH r AS (UPDATE ${PGBOSS_SCHEMA}.job SET state = 'retry', start_after = now()
         WHERE name = $1 AND state = 'active' RETURNING 1)
       SELECT count(*)::int AS n FROM r`,
      [PUSH_QUEUE],
    );
    recovered = rows[0]?.n ?? 0;
  }
  return {
    boss,
    recovered,
    async stop() {
      // graceful: lets a running fan-out finish (bounded), then fails what is left
      // (pg-boss sets it to retry, so the next start runs it).
      await boss.stop({ graceful: true, timeout: 3000, close: false, wait: true });
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
