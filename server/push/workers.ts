// Who runs which delivery job, so that any number of worker processes on any
// number of machines share one queue and a dead one's jobs are run again at
// once by the others — and only a dead one's (migration 10).
//
// OWNERSHIP. Every worker has a row in push_workers, its heartbeat refreshed
// every few seconds by the database's own clock (so the machines' clocks never
// matter). It fetches jobs from pg-boss and writes a claim for each (job, worker)
// IN THE SAME TRANSACTION: no job is ever active without its owner on record.
// A job's end (complete, fail, give back) deletes the claim in the transaction
// that ends the job, and only if the claim is still this worker's (a fence: a
// worker presumed dead that was only slow finds its claims gone and leaves the
// jobs, already someone else's, alone).
//
// RECOVERY. A worker whose heartbeat is older than 3 intervals is dead. Every
// worker sweeps, at start and on each heartbeat, in ONE statement: it deletes
// the dead workers' rows and claims and sets their jobs that are still active
// back to `retry`, due now; a job active with no claim at all for as long (left
// by a process older than this table) goes back too (checked at start and about
// once a minute: that test reads every job row). The rerun skips every
// endpoint whose answer was recorded (delivery/queries.ts). On PGlite the data
// folder's lock makes this process the store's only user, so at start the rows of
// other processes are dead without waiting (`exclusiveStore`). pg-boss's own
// expiry (expireInSeconds, queue.ts) stays the last safety net: it fails and
// retries any job active for longer than that, owner or not.
//
// ORDER. One user's event jobs must run in event order (a state push must see
// the display push it closes recorded). With several workers, pg-boss alone
// would let two workers take two of one user's jobs at once, or a later one
// first: its fetch takes the oldest jobs FOR UPDATE SKIP LOCKED, so a fetch
// running beside another skips the rows that one locked and takes the next.
// pg-boss 10's singleton/stately policies do not help: they allow one ACTIVE job
// per singletonKey, enforced by a unique index that makes a conflicting fetch
// fail as a whole (pg-boss swallows that error and returns no jobs, so a worker
// starves while one user's job runs elsewhere), pick which of a key's jobs
// runs by an unordered row_number(), and do not hold a later job back while an
// earlier one waits in `retry`. Nor would a per-user advisory lock held while a
// chain runs: it keeps two chains of a user apart but lets the later job win
// the lock first, holds a pooled connection per user on PostgreSQL, and is
// reentrant on PGlite's one session. So the rule is ours, checked after the fetch
// for the whole batch (`blockersOf`): an event job runs only when no EARLIER
// event job of its user is unfinished anywhere else — queued, waiting to be
// retried, or claimed by a worker. Otherwise it is given back, due a moment
// later (`DEFER_MS`), as is every later job of its user in the batch. The
// oldest unfinished job of a user is never held back, so a user's chain always
// moves; a job that is running is always claimed, and one that is not yet
// fetched is still queued, so two of one user's event jobs never run at once.
// (Retry jobs, which resend one event to some endpoints, read the current state
// and settle themselves; they neither wait nor hold others back. "Earlier" is
// the event's seq: two events of one user committed out of seq order become
// jobs in commit order, and a job not yet enqueued holds nothing back.)
import { randomUUID } from "node:crypto";
import os from "node:os";
import type PgBoss from "pg-boss";
import type { Db, Queryable } from "../store/db";
import { PGBOSS_SCHEMA, PUSH_QUEUE, pgBossDb, type PushJobData } from "./queue";

/** A job a worker fetched and claimed. */
export interface ClaimedJob {
  id: string;
  data: PushJobData;
}

/** A deferred job is due again after this long (about one idle poll of a worker). */
export const DEFER_MS = 500;

export interface WorkerIdentity {
  id: string;
  host: string;
  pid: number;
}

/** A new worker's identity: host and pid (for people reading the table) and a random part (a process may run several). */
export function newWorkerIdentity(): WorkerIdentity {
  const host = os.hostname();
  return { id: `${host}:${process.pid}:${randomUUID().slice(0, 8)}`, host, pid: process.pid };
}

export async function registerWorker(db: Queryable, w: WorkerIdentity): Promise<void> {
  await db.query(
    `INSERT INTO push_workers (id, host, pid) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()`,
    [w.id, w.host, w.pid],
  );
}

/**
 * Refreshes the heartbeat. False when the row is gone: another worker's sweep
 * took this one for dead (it stalled for 3 intervals); its claims went with the
 * row and its jobs to others. The row is written again, and the caller warns.
 */
export async function heartbeat(db: Queryable, w: WorkerIdentity): Promise<boolean> {
  const res = await db.query("UPDATE push_workers SET heartbeat_at = now() WHERE id = $1", [w.id]);
  if (res.affectedRows > 0) return true;
  await registerWorker(db, w);
  return false;
}

export interface SweepOptions {
  /** A heartbeat older than this is a dead worker's. */
  staleAfterMs: number;
  /** Workers known dead now, whatever their heartbeat (PGlite: the rows of other processes at start). */
  deadIds?: readonly string[];
  /**
   * Also take active jobs that no worker claims, started longer than
   * `staleAfterMs` ago (left by a process from before claims existed). That
   * part reads every job row, as pg-boss's own expiry does: workers do it at
   * start and about once a minute, not on every heartbeat.
   */
  orphans?: boolean;
}

/**
 * Dead workers' rows and claims go, and their jobs still active are set back to
 * `retry`, due now, in one statement (see the top of this file). Returns the
 * jobs made due again.
 */
export async function sweepDeadWorkers(db: Queryable, o: SweepOptions): Promise<number> {
  // Every part of one statement reads the same snapshot: `lost` sees the claims
  // `dead` is deleting the workers of, and the orphan test sees every claim.
  const orphans = `OR (j.state = 'active' AND j.started_on < now() - $2::float8 * interval '1 millisecond'
                       AND NOT EXISTS (SELECT 1 FROM push_job_claims c WHERE c.job_id = j.id))`;
  const { rows } = await db.query<{ n: number }>(
    `WITH dead AS (
       DELETE FROM push_workers
        WHERE heartbeat_at < now() - $2::float8 * interval '1 millisecond' OR id = ANY($3::text[])
        RETURNING id
     ), lost AS (
       DELETE FROM push_job_claims WHERE worker_id IN (SELECT id FROM dead)
        RETURNING job_id
     ), due AS (
       UPDATE ${PGBOSS_SCHEMA}.job j SET state = 'retry', start_after = now()
        WHERE j.name = $1
          AND ((j.state = 'active' AND j.id IN (SELECT job_id FROM lost)) ${o.orphans ? orphans : ""})
        RETURNING 1
     )
     SELECT count(*)::int AS n FROM due`,
    [PUSH_QUEUE, o.staleAfterMs, o.deadIds ?? []],
  );
  return rows[0]?.n ?? 0;
}

/** PGlite at start: the workers of other processes (the data folder's lock says none is alive). */
export async function otherProcessesWorkers(db: Queryable, self: WorkerIdentity): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>("SELECT id FROM push_workers WHERE NOT (host = $1 AND pid = $2)", [self.host, self.pid]);
  return rows.map((r) => r.id);
}

/** The claim columns of a job: its user and, for an event's own job, the event. */
function claimOf(job: ClaimedJob): { user: string | null; seq: string | null } {
  return { user: job.data.user ?? null, seq: job.data.endpointIds ? null : job.data.seq };
}

/**
 * Fetches up to `batchSize` due jobs (pg-boss's own fetch: oldest first, FOR
 * UPDATE SKIP LOCKED, set active) and claims them for `w`, in one transaction.
 */
export async function claimJobs(db: Db, boss: PgBoss, w: WorkerIdentity, batchSize: number): Promise<ClaimedJob[]> {
  return db.transaction(async (tx) => {
    const jobs = (await boss.fetch<PushJobData>(PUSH_QUEUE, { batchSize, db: pgBossDb(tx) })) as ClaimedJob[];
    if (jobs.length === 0) return [];
    const claims = jobs.map(claimOf);
    // A claim still on record for a job pg-boss handed out again (its expiry failed the job of a worker
    // still running it: the last safety net) passes to this worker; the other's end of it is fenced off.
    await tx.query(
      `INSERT INTO push_job_claims (job_id, worker_id, user_key, seq)
       SELECT c.job_id, $1, c.user_key, c.seq FROM unnest($2::uuid[], $3::text[], $4::bigint[]) AS c(job_id, user_key, seq)
       ON CONFLICT (job_id) DO UPDATE SET worker_id = EXCLUDED.worker_id, claimed_at = now()`,
      [w.id, jobs.map((j) => j.id), claims.map((c) => c.user), claims.map((c) => c.seq)],
    );
    return jobs;
  });
}

/**
 * For each user of `jobs` (the batch this worker claimed), the earliest event
 * of an event job of that user that is unfinished elsewhere: queued or waiting
 * to be retried (pg-boss's partial fetch index covers those rows), or claimed by
 * a worker. The batch's own jobs are active and claimed by this worker, so they
 * are left out by the claim test.
 */
export async function blockersOf(db: Queryable, jobs: readonly ClaimedJob[]): Promise<Map<string, bigint>> {
  const users = [...new Set(jobs.filter((j) => j.data.user !== undefined && !j.data.endpointIds).map((j) => j.data.user!))];
  if (users.length === 0) return new Map();
  const { rows } = await db.query<{ user_key: string; seq: string }>(
    `SELECT b.user_key, min(b.seq)::text AS seq FROM (
       SELECT data->>'user' AS user_key, (data->>'seq')::bigint AS seq
         FROM ${PGBOSS_SCHEMA}.job
        WHERE name = $1 AND state < 'active' AND data->>'user' = ANY($2::text[]) AND data->'endpointIds' IS NULL
       UNION ALL
       SELECT user_key, seq FROM push_job_claims
        WHERE user_key = ANY($2::text[]) AND seq IS NOT NULL AND NOT (job_id = ANY($3::uuid[]))
     ) b GROUP BY b.user_key`,
    [PUSH_QUEUE, users, jobs.map((j) => j.id)],
  );
  return new Map(rows.map((r) => [r.user_key, BigInt(r.seq)]));
}

/** Ends a job this worker still holds: completed, or failed (pg-boss retries it per the queue's retryLimit). */
async function endJob(db: Db, boss: PgBoss, w: WorkerIdentity, jobId: string, how: "complete" | "fail", error?: unknown): Promise<boolean> {
  return db.transaction(async (tx) => {
    const held = await tx.query("DELETE FROM push_job_claims WHERE job_id = $1 AND worker_id = $2", [jobId, w.id]);
    // Not ours any more (swept while this worker stalled): whoever holds it now ends it.
    if (held.affectedRows === 0) return false;
    // (pg-boss 10 takes the options 4th, after the output: its 3-argument typing is not what it runs.)
    if (how === "complete") await boss.complete(PUSH_QUEUE, jobId, {}, { db: pgBossDb(tx) });
    else await boss.fail(PUSH_QUEUE, jobId, { message: String(error) }, { db: pgBossDb(tx) });
    return true;
  });
}

export const completeJob = (db: Db, boss: PgBoss, w: WorkerIdentity, jobId: string) => endJob(db, boss, w, jobId, "complete");
export const failJob = (db: Db, boss: PgBoss, w: WorkerIdentity, jobId: string, error: unknown) => endJob(db, boss, w, jobId, "fail", error);

/**
 * Gives jobs this worker holds back to the queue unrun: `retry`, due after
 * `delayMs`, never started (so pg-boss's next fetch does not count a retry),
 * and unclaimed, in one statement.
 */
export async function giveBack(db: Queryable, w: WorkerIdentity, jobIds: readonly string[], delayMs: number): Promise<number> {
  if (jobIds.length === 0) return 0;
  const { rows } = await db.query<{ n: number }>(
    `WITH mine AS (
       DELETE FROM push_job_claims WHERE worker_id = $2 AND job_id = ANY($3::uuid[]) RETURNING job_id
     ), back AS (
       UPDATE ${PGBOSS_SCHEMA}.job SET state = 'retry', started_on = NULL, start_after = now() + $4::float8 * interval '1 millisecond'
        WHERE name = $1 AND state = 'active' AND id IN (SELECT job_id FROM mine)
        RETURNING 1
     )
     SELECT count(*)::int AS n FROM back`,
    [PUSH_QUEUE, w.id, jobIds, delayMs],
  );
  return rows[0]?.n ?? 0;
}

/**
 * A clean stop: whatever this worker still holds goes back, due now, and its
 * row goes, in one statement. (Nothing should be left: the worker finishes or
 * gives back its batch first; this is the backstop.)
 */
export async function unregisterWorker(db: Queryable, w: WorkerIdentity): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `WITH gone AS (
       DELETE FROM push_workers WHERE id = $2
     ), mine AS (
       DELETE FROM push_job_claims WHERE worker_id = $2 RETURNING job_id
     ), back AS (
       UPDATE ${PGBOSS_SCHEMA}.job SET state = 'retry', start_after = now()
        WHERE name = $1 AND state = 'active' AND id IN (SELECT job_id FROM mine)
        RETURNING 1
     )
     SELECT count(*)::int AS n FROM back`,
    [PUSH_QUEUE, w.id],
  );
  return rows[0]?.n ?? 0;
}
