// The push delivery pipeline of one service process: the pg-boss queue, the
// outbox dispatcher, the worker that runs delivery jobs, the sender, and the
// pipeline's share of maintenance.
import type { Db } from "../store/db";
import { purgeExpiredEndpoints } from "../endpoints/service";
import type { ActionClaims } from "./action-token";
import { deliverJob, type DeliveryDeps, type DeliveryOptions, type DeliverySummary } from "./delivery/job";
import { EMPTY_SUMMARY, purgeDeliveries } from "./delivery/results";
import { startDispatcher, type Dispatcher } from "./outbox";
import type { PushServiceRules } from "./push-services";
import { PUSH_QUEUE, countPendingJobs, startPushQueue, type PushJobData, type PushQueue } from "./queue";
import { createPushSender, type PushSender, type VapidDetails } from "./send/sender";

export interface PushPipelineOptions {
  delivery?: DeliveryOptions;
  /** The only CA trusted for push services (tests); unset, the system's and NODE_EXTRA_CA_CERTS. */
  ca?: string | Buffer;
  /** Per-request timeout to a push service. Default 10 s. */
  requestTimeoutMs?: number;
  /** Jobs a worker fetches at once (per user in order, users concurrently). Default 16. */
  workerBatchSize?: number;
  /** Idle polling of the worker (woken at once by the dispatcher otherwise). Default 0.5 s. */
  pollingIntervalSeconds?: number;
  /** Outbox safety-net interval. Default 1 s. */
  dispatchIntervalMs?: number;
}

export interface PushPipelineDeps {
  db: Db;
  /** This process is the store's only user (PGlite): jobs left active at start were a dead process's. */
  exclusiveStore: boolean;
  vapid: VapidDetails;
  rules: PushServiceRules;
  mintActionToken: (c: ActionClaims) => string;
  now: () => Date;
}

export interface IdleOptions {
  /** Also wait for retry jobs scheduled in the future. Default false. */
  includeScheduledRetries?: boolean;
  /** Default 30 s. */
  timeoutMs?: number;
}

export interface PushPipeline {
  /**
   * Resolves when nothing is undispatched, no job is queued, due or running
   * (and, if asked, no retry is scheduled): tests wait on it instead of sleeping.
   */
  idle(opts?: IdleOptions): Promise<void>;
  /** Old delivery rows (older than `cutoff`) and expired endpoints go. */
  runMaintenance(now: Date, cutoff: Date): Promise<void>;
  /** Jobs recovered from a dead process at start. */
  recovered: number;
  /** Totals since start, for logs and benchmarks. */
  totals: DeliverySummary & { jobs: number };
  close(): Promise<void>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function startPushPipeline(deps: PushPipelineDeps, opts: PushPipelineOptions = {}): Promise<PushPipeline> {
  const { db } = deps;
  const queue: PushQueue = await startPushQueue(db, { recoverActive: deps.exclusiveStore });
  const { boss } = queue;
  const sender: PushSender = createPushSender({ vapid: deps.vapid, ca: opts.ca, timeoutMs: opts.requestTimeoutMs });
  const totals = { jobs: 0, ...EMPTY_SUMMARY };
  let inFlight = 0;
  /** Batches pg-boss handed over and not yet returned: close() waits for them. */
  const batches = new Set<Promise<void>>();
  let stopping = false;
  const delivery: DeliveryDeps = {
    db,
    boss,
    sender,
    rules: deps.rules,
    mintActionToken: deps.mintActionToken,
    now: deps.now,
    options: opts.delivery,
  };

  async function handle(job: { id: string; data: PushJobData }): Promise<void> {
    // Stopped while a batch ran: pg-boss has set its jobs back to retry, the next start runs them.
    if (stopping) return;
    inFlight++;
    try {
      const summary = await deliverJob(delivery, job.data);
      totals.jobs++;
      for (const k of ["targets", "delivered", "gone", "failed", "retrying"] as const) totals[k] += summary[k];
    } catch (err) {
      // The store failed mid-job: pg-boss retries it (queue retryLimit), and the rerun skips settled endpoints.
      console.error(`[push] job for event ${job.data.seq} failed:`, err);
      await boss.fail(PUSH_QUEUE, job.id, { message: String(err) }).catch(() => undefined);
    } finally {
      inFlight--;
    }
  }

  const workerId = await boss.work<PushJobData>(
    PUSH_QUEUE,
    { batchSize: opts.workerBatchSize ?? 16, pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 0.5 },
    async (jobs) => {
      const batch = runBatch(jobs);
      batches.add(batch);
      try {
        await batch;
      } finally {
        batches.delete(batch);
      }
    },
  );

  async function runBatch(jobs: Array<{ id: string; data: PushJobData }>): Promise<void> {
    // One user's jobs run one after another in event order (a state push must
    // see the display push before it recorded); different users' side by side.
    const byUser = new Map<string, typeof jobs>();
    for (const job of jobs) {
      const key = job.data.user ?? job.id;
      byUser.set(key, [...(byUser.get(key) ?? []), job]);
    }
    await Promise.all(
      [...byUser.values()].map(async (chain) => {
        for (const job of chain) await handle(job);
      }),
    );
  }

  const dispatcher: Dispatcher = await startDispatcher(db, boss, () => boss.notifyWorker(workerId), {
    intervalMs: opts.dispatchIntervalMs,
  });
  await dispatcher.run();
  if (queue.recovered > 0) {
    console.log(`[push] ${queue.recovered} delivery job(s) left active by a previous process are due again`);
    boss.notifyWorker(workerId);
  }

  async function busy(includeScheduled: boolean): Promise<boolean> {
    return inFlight > 0 || (await dispatcher.undispatched()) > 0 || (await countPendingJobs(db, includeScheduled)) > 0;
  }

  let closed: Promise<void> | undefined;
  return {
    async idle(o = {}) {
      const deadline = Date.now() + (o.timeoutMs ?? 30_000);
      // Twice idle in a row: a job's completion is written just after its handler returns.
      let quiet = 0;
      while (quiet < 2) {
        await dispatcher.run();
        if (await busy(o.includeScheduledRetries ?? false)) {
          quiet = 0;
          boss.notifyWorker(workerId);
        } else quiet++;
        if (Date.now() > deadline) throw new Error("push pipeline did not become idle in time");
        await sleep(20);
      }
    },
    async runMaintenance(now, cutoff) {
      await purgeDeliveries(db, cutoff);
      await purgeExpiredEndpoints(db, now);
    },
    recovered: queue.recovered,
    totals,
    close() {
      closed ??= (async () => {
        await dispatcher.stop();
        // Waits (at most 3 s) for the running batch, then sets its unfinished jobs back to retry.
        await queue.stop();
        // A batch still running past that: its remaining jobs are skipped, its
        // sends aborted (status 0, so those endpoints are recorded retrying),
        // and it is waited for, while the store is still open.
        stopping = true;
        sender.close();
        while (batches.size > 0) await Promise.allSettled([...batches]);
        // pg-boss marks a returned batch complete without awaiting it: that
        // statement must reach the store before the caller closes it.
        await new Promise((resolve) => setImmediate(resolve));
        await db.query("SELECT 1");
      })();
      return closed;
    },
  };
}
