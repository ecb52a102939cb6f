// Periodic upkeep of the store: expiry purge, due snooze wake-ups, history
// pruning, the push pipeline's own upkeep, and (where the database runs no
// autovacuum, i.e. PGlite) the vacuum rules. One pass at a time; a timer runs
// one every interval.
import type { SnoozeWaker } from "./notifications/snooze-waker";
import { DELTA_RETENTION_MS } from "./notifications/delta";
import { pruneHistoryQueries } from "./notifications/queries";
import { purgeExpired } from "./notifications/service";
import { pruneAccessLog } from "./support/service";
import type { PushPipeline } from "./push/pipeline";
import { PGBOSS_SCHEMA } from "./push/queue";
import type { Store } from "./store/store";

/**
 * PGlite runs no autovacuum: the service vacuums when, as autovacuum would,
 * the rows it changed exceed 50 + 10% of the table (and once after start).
 */
const VACUUM_BASE_ROWS = 50;
const VACUUM_SCALE = 0.1;
/**
 * The tables every push churns (each job is inserted, updated twice, archived
 * and later deleted; events and delivery rows are pruned): without VACUUM the
 * space of their dead rows is never reused and the files grow for good. Their
 * live rows stay few (pruning), so a plain VACUUM of them is short. So does
 * user_counters: a new version of the user's row with every change (one row per user).
 */
const PUSH_VACUUM_INTERVAL_MS = 60 * 60_000;
const PUSH_VACUUM_SQL = `VACUUM ${PGBOSS_SCHEMA}.job, ${PGBOSS_SCHEMA}.archive, notification_events, push_deliveries, delivery_steps, endpoints, push_job_claims, push_workers, user_counters`;

export interface MaintenanceDeps {
  store: Pick<Store, "db" | "autovacuum">;
  snoozes: Pick<SnoozeWaker, "wakeIfDue">;
  push: Pick<PushPipeline, "runMaintenance">;
  now: () => Date;
  /** Deletes rate-limit counters whose window ended (server/http/middleware/rate-limit.ts). */
  rateLimits?: { prune(): Promise<void> };
  /** Default 60 s. */
  intervalMs?: number;
}

export interface Maintenance {
  /** Runs one pass now (or joins the one running). */
  run(): Promise<void>;
  /** Counts rows changed by requests, for the vacuum rule. */
  noteWrites(rows: number): void;
  /** Stops the timer and waits for a running pass. */
  stop(): Promise<void>;
}

export function createMaintenance(deps: MaintenanceDeps): Maintenance {
  const { store, snoozes, push, now } = deps;
  const { db } = store;
  let writesSinceVacuum = Number.POSITIVE_INFINITY;
  let pushVacuumedAt = Number.NEGATIVE_INFINITY;

  const vacuumDue = async (): Promise<boolean> => {
    if (writesSinceVacuum === Number.POSITIVE_INFINITY) return true;
    const { rows } = await db.query<{ tuples: number }>(
      "SELECT greatest(reltuples, 0)::float8 AS tuples FROM pg_class WHERE relname = 'notifications'",
    );
    return writesSinceVacuum > VACUUM_BASE_ROWS + VACUUM_SCALE * (rows[0]?.tuples ?? 0);
  };

  let running: Promise<void> | undefined;
  const run = (): Promise<void> => {
    running ??= (async () => {
      const at = now();
      writesSinceVacuum += await purgeExpired(db, at);
      await snoozes.wakeIfDue(at);
      const cutoff = new Date(at.getTime() - DELTA_RETENTION_MS);
      for (const sql of pruneHistoryQueries(cutoff)) await db.query(sql.text, sql.params);
      await push.runMaintenance(at, cutoff);
      await pruneAccessLog(db);
      await deps.rateLimits?.prune();
      // Without this the planner has no statistics and no scan can be
      // index-only (the visibility map stays empty).
      if (!store.autovacuum && (await vacuumDue())) {
        writesSinceVacuum = 0;
        await db.exec("VACUUM (ANALYZE) notifications");
      }
      if (!store.autovacuum && at.getTime() - pushVacuumedAt >= PUSH_VACUUM_INTERVAL_MS) {
        pushVacuumedAt = at.getTime();
        await db.exec(PUSH_VACUUM_SQL);
      }
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  // unref: maintenance must never keep a process (or a test runner) alive.
  const timer = setInterval(() => {
    run().catch((err: unknown) => console.error("[service] maintenance failed:", err));
  }, deps.intervalMs ?? 60_000);
  timer.unref();

  return {
    run,
    noteWrites(rows) {
      writesSinceVacuum += rows;
    },
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
