// A delivery worker: fetches and claims a batch of jobs (workers.ts), holds back
// the event jobs an earlier job of their user still has to precede, runs the
// rest (one user's in event order, different users' side by side), and ends
// each job with its claim. Alongside, it heartbeats and sweeps dead workers'
// jobs back into the queue. It wakes when jobs are enqueued (PUSH_JOBS_CHANNEL,
// from any process), and otherwise polls for what came due (retries, deferrals).
// One batch at a time, as pg-boss's own worker.
import type PgBoss from "pg-boss";
import type { Db } from "../store/db";
import { PUSH_JOBS_CHANNEL } from "./queue";
import {
  DEFER_MS,
  blockersOf,
  claimJobs,
  completeJob,
  failJob,
  giveBack,
  heartbeat,
  newWorkerIdentity,
  otherProcessesWorkers,
  registerWorker,
  sweepDeadWorkers,
  unregisterWorker,
  type ClaimedJob,
  type WorkerIdentity,
} from "./workers";

export interface DeliveryWorkerOptions {
  /** Jobs fetched at once. Default 16. */
  batchSize?: number;
  /** Idle polling for jobs that came due (retries, deferrals). Default 500 ms. */
  pollingIntervalMs?: number;
  /** Heartbeat (and sweep) interval; a worker silent for 3 is dead. Default 5 s. */
  heartbeatMs?: number;
  /**
   * The NOTIFY payload of this process's own outbox, which wakes this worker
   * directly (DispatcherOptions.origin): its NOTIFY would only fetch again.
   */
  ownOrigin?: string;
}

export interface DeliveryWorkerDeps {
  db: Db;
  boss: PgBoss;
  /** Runs one job; throws only when the store failed (the job is then failed, and pg-boss retries it). */
  run(job: ClaimedJob): Promise<void>;
  /** PGlite: this process is the store's only user, so other processes' workers are dead now. */
  exclusiveStore: boolean;
}

export interface DeliveryWorker {
  identity: WorkerIdentity;
  /** Fetch now (jobs were enqueued). */
  wake(): void;
  /** Jobs of this worker running now. */
  running(): number;
  /** Dead workers' jobs made due again by this worker's sweeps. */
  recovered(): number;
  /**
   * Stops fetching, lets the running batch finish for up to `graceMs`, then
   * calls `abort` (which must make the running jobs end soon, e.g. by aborting
   * their sends) and waits for them; jobs of the batch that had not started are
   * given back, due now. Then the worker's row goes (and anything it still held).
   */
  stop(graceMs: number, abort: () => void): Promise<void>;
}

/** How often a worker also looks for active jobs that nobody claims. */
const ORPHAN_SWEEP_MS = 60_000;

function sleep(ms: number, signal: { wake?: () => void }): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.wake = undefined;
      resolve();
    }
    signal.wake = done;
  });
}

export async function startDeliveryWorker(deps: DeliveryWorkerDeps, opts: DeliveryWorkerOptions = {}): Promise<DeliveryWorker> {
  const { db, boss } = deps;
  const batchSize = opts.batchSize ?? 16;
  const pollingMs = opts.pollingIntervalMs ?? 500;
  const heartbeatMs = opts.heartbeatMs ?? 5000;
  const staleAfterMs = 3 * heartbeatMs;
  const me = newWorkerIdentity();
  let stopping = false;
  let inFlight = 0;
  let recovered = 0;
  /** Set while the loop sleeps: ends the sleep. */
  const sleeper: { wake?: () => void } = {};
  let woken = false;
  /**
   * Jobs this worker claimed and has not ended (completed, failed or given
   * back): after a batch, what is left (its end could not be recorded, or the
   * batch broke off) goes back to the queue rather than wait for the expiry.
   */
  const held = new Set<string>();

  function wake(): void {
    woken = true;
    sleeper.wake?.();
  }
  // Every NOTIFY but this process's own outbox's; null (the listening connection came back, and
  // notifications may have been lost) wakes it too.
  const unlisten = await db.listen(PUSH_JOBS_CHANNEL, (payload) => {
    if (payload !== opts.ownOrigin) wake();
  });

  let beats = 0;
  async function sweep(deadIds: string[] = []): Promise<void> {
    // Unclaimed active jobs at start and about once a minute (workers.ts: that part reads every job row).
    const orphans = beats++ % Math.max(1, Math.round(ORPHAN_SWEEP_MS / heartbeatMs)) === 0;
    const n = await sweepDeadWorkers(db, { staleAfterMs, deadIds, orphans });
    if (n > 0) {
      recovered += n;
      console.log(`[push] ${n} delivery job(s) of a stopped worker are due again`);
      wake();
    }
  }
  try {
    await registerWorker(db, me);
    // PGlite: the data folder's lock says no other process is alive, so their rows are dead now.
    await sweep(deps.exclusiveStore ? await otherProcessesWorkers(db, me) : []);
  } catch (err) {
    await unlisten().catch(() => undefined);
    await unregisterWorker(db, me).catch(() => undefined);
    throw err;
  }

  let beating: Promise<void> | undefined;
  const beat = setInterval(() => {
    beating ??= (async () => {
      try {
        if (!(await heartbeat(db, me))) {
          console.warn(`[push] worker ${me.id} was taken for dead (no heartbeat for ${staleAfterMs} ms): its jobs went to other workers`);
        }
        await sweep();
      } catch (err) {
        if (!stopping) console.error("[push] worker heartbeat failed:", err);
      }
    })().finally(() => {
      beating = undefined;
    });
  }, heartbeatMs);
  beat.unref();

  async function runJob(job: ClaimedJob): Promise<void> {
    inFlight++;
    try {
      let failure: { err: unknown } | undefined;
      try {
        await deps.run(job);
      } catch (err) {
        // The store failed mid-job: pg-boss retries it (queue retryLimit), and the rerun skips settled endpoints.
        console.error(`[push] job for event ${job.data.seq} failed:`, err);
        failure = { err };
      }
      if (failure) await failJob(db, boss, me, job.id, failure.err);
      else await completeJob(db, boss, me, job.id);
      // (Ended, or no longer this worker's: either way not held.)
      held.delete(job.id);
    } catch (err) {
      // Ending it failed (the store is down): it stays held, and goes back to the queue after the batch.
      console.error(`[push] could not record the end of the job for event ${job.data.seq}:`, err);
    } finally {
      inFlight--;
    }
  }

  /** Gives back what this worker still holds (due after `delayMs`); kept for the next try if the store fails. */
  async function giveBackHeld(ids: readonly string[], delayMs: number): Promise<void> {
    if (ids.length === 0) return;
    try {
      await giveBack(db, me, ids, delayMs);
      for (const id of ids) held.delete(id);
    } catch (err) {
      console.error("[push] giving jobs back to the queue failed:", err);
    }
  }

  /**
   * One user's jobs in event order, different users' side by side. An event job
   * whose user has an earlier event job unfinished elsewhere is given back
   * (workers.ts, ORDER), and with it the user's later ones in this batch.
   */
  async function runBatch(jobs: ClaimedJob[]): Promise<void> {
    for (const j of jobs) held.add(j.id);
    const blockers = await blockersOf(db, jobs);
    const chains = new Map<string, ClaimedJob[]>();
    for (const job of jobs) {
      const key = job.data.user ?? job.id;
      chains.set(key, [...(chains.get(key) ?? []), job]);
    }
    const deferred: string[] = [];
    const runnable: ClaimedJob[][] = [];
    for (const [user, chain] of chains) {
      // Event order; a retry job (some endpoints of an event) after its event's own job.
      chain.sort((a, b) => {
        const d = BigInt(a.data.seq) - BigInt(b.data.seq);
        return d !== 0n ? (d < 0n ? -1 : 1) : Number(!!a.data.endpointIds) - Number(!!b.data.endpointIds);
      });
      const blocker = blockers.get(user);
      const run = blocker === undefined ? chain : chain.filter((j) => j.data.endpointIds || BigInt(j.data.seq) < blocker);
      for (const j of chain) if (!run.includes(j)) deferred.push(j.id);
      runnable.push(run);
    }
    await giveBackHeld(deferred, DEFER_MS);
    await Promise.all(
      runnable.map(async (chain) => {
        for (const job of chain) {
          if (stopping) return;
          await runJob(job);
        }
      }),
    );
  }

  let batch: Promise<void> | undefined;
  const loop = (async () => {
    while (!stopping) {
      woken = false;
      let jobs: ClaimedJob[] = [];
      try {
        jobs = await claimJobs(db, boss, me, batchSize);
        if (jobs.length > 0) {
          batch = runBatch(jobs);
          await batch;
        }
      } catch (err) {
        if (!stopping) console.error("[push] delivery worker:", err);
      } finally {
        batch = undefined;
      }
      // Left over from the batch (not run because it broke off or the worker stops, or its end not recorded): back, due now.
      await giveBackHeld([...held], 0);
      // A full batch: there may be more due at once. Otherwise sleep until woken or the next poll.
      if (!stopping && !woken && jobs.length < batchSize) await sleep(pollingMs, sleeper);
    }
  })();

  let stopped: Promise<void> | undefined;
  return {
    identity: me,
    wake,
    running: () => inFlight,
    recovered: () => recovered,
    stop(graceMs, abort) {
      stopped ??= (async () => {
        stopping = true;
        clearInterval(beat);
        sleeper.wake?.();
        await unlisten().catch(() => undefined);
        const current = batch;
        if (current) {
          let timer: NodeJS.Timeout | undefined;
          const late = await Promise.race([
            current.then(() => false, () => false),
            new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs))),
          ]);
          clearTimeout(timer);
          if (late) abort();
        }
        await loop;
        await beating?.catch(() => undefined);
        // The loop gave back what the batch did not run; the row goes, with any claim still left.
        await unregisterWorker(db, me).catch((err: unknown) => console.error("[push] worker unregister failed:", err));
      })();
      return stopped;
    },
  };
}
