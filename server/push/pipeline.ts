// The push delivery pipeline of one process: the pg-boss queue, the outbox
// dispatcher, and, unless the process leaves delivery to others (PUSH_WORKER=off),
// a delivery worker that runs jobs with the sender. App instances run it with or
// without the worker; `npm run worker` (server/worker.ts) runs it with the
// worker and no HTTP. Also the pipeline's share of maintenance.
import { randomUUID } from "node:crypto";
import type { Db } from "../store/db";
import { purgeExpiredEndpoints } from "../endpoints/service";
import type { ActionClaims } from "./action-token";
import { deliverJob, type DeliveryDeps, type DeliveryOptions, type DeliverySummary } from "./delivery/job";
import { EMPTY_SUMMARY, purgeDeliveries } from "./delivery/results";
import { startDeliveryWorker, type DeliveryWorker } from "./delivery-worker";
import { startDispatcher, type Dispatcher } from "./outbox";
import type { PushServiceRules } from "./push-services";
import { countPendingJobs, startPushQueue, type PushQueue } from "./queue";
import { createPushSender, type PushSender, type VapidDetails } from "./send/sender";

export interface PushPipelineOptions {
  delivery?: DeliveryOptions;
  /** The only CA trusted for push services (tests); unset, the system's and NODE_EXTRA_CA_CERTS. */
  ca?: string | Buffer;
  /** Per-request timeout to a push service. Default 10 s. */
  requestTimeoutMs?: number;
  /** Jobs a worker fetches at once (per user in order, users concurrently). Default 16. */
  workerBatchSize?: number;
  /** Idle polling of the worker (woken at once when jobs are enqueued otherwise). Default 0.5 s. */
  pollingIntervalSeconds?: number;
  /** The worker's heartbeat; silent for 3, it is taken for dead and its jobs go to others. Default 5 s. */
  heartbeatMs?: number;
  /** Outbox safety-net interval. Default 1 s. */
  dispatchIntervalMs?: number;
}

export interface PushPipelineDeps {
  db: Db;
  /**
   * This process is the store's only user (PGlite's data folder lock): at start,
   * the delivery workers recorded by other processes are dead, and their jobs
   * are due again at once rather than when their heartbeat is stale.
   */
  exclusiveStore: boolean;
  /** Run delivery jobs here (PUSH_WORKER; default true). False: events become jobs, and other processes send. */
  worker?: boolean;
  vapid: VapidDetails;
  rules: PushServiceRules;
  mintActionToken: (c: ActionClaims) => string;
  now: () => Date;
  /** Told of each send's result (the process's metrics). */
  onDeliveryResult?: DeliveryDeps["onResult"];
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
   * Jobs are run by whichever worker takes them: with this process's worker
   * off, it waits for other processes' workers.
   */
  idle(opts?: IdleOptions): Promise<void>;
  /** Old delivery rows (older than `cutoff`) and expired endpoints go. */
  runMaintenance(now: Date, cutoff: Date): Promise<void>;
  /** This process's delivery worker (undefined with the worker off). */
  worker: Pick<DeliveryWorker, "identity"> | undefined;
  /** Jobs of dead workers (or dead processes) this process's worker made due again. */
  readonly recovered: number;
  /** Totals since start, for logs and benchmarks. */
  totals: DeliverySummary & { jobs: number };
  close(): Promise<void>;
}

/** How long close() lets a running batch finish before it aborts its sends. */
const STOP_GRACE_MS = 3000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function startPushPipeline(deps: PushPipelineDeps, opts: PushPipelineOptions = {}): Promise<PushPipeline> {
  const { db } = deps;
  const queue: PushQueue = await startPushQueue(db);
  const { boss } = queue;
  const totals = { jobs: 0, ...EMPTY_SUMMARY };
  /** Names this process's outbox NOTIFYs, which its own worker hears directly (outbox.ts). */
  const origin = randomUUID();
  let sender: PushSender | undefined;
  let worker: DeliveryWorker | undefined;
  let dispatcher: Dispatcher | undefined;
  try {
    if (deps.worker ?? true) {
      const send = createPushSender({ vapid: deps.vapid, ca: opts.ca, timeoutMs: opts.requestTimeoutMs });
      sender = send;
      const delivery: DeliveryDeps = {
        db,
        boss,
        sender: send,
        rules: deps.rules,
        mintActionToken: deps.mintActionToken,
        now: deps.now,
        options: opts.delivery,
        onResult: deps.onDeliveryResult,
      };
      worker = await startDeliveryWorker(
        {
          db,
          boss,
          exclusiveStore: deps.exclusiveStore,
          async run(job) {
            const summary = await deliverJob(delivery, job.data);
            totals.jobs++;
            for (const k of ["targets", "delivered", "gone", "failed", "retrying"] as const) totals[k] += summary[k];
          },
        },
        {
          batchSize: opts.workerBatchSize,
          pollingIntervalMs: (opts.pollingIntervalSeconds ?? 0.5) * 1000,
          heartbeatMs: opts.heartbeatMs,
          ownOrigin: origin,
        },
      );
    }
    if (!worker && deps.exclusiveStore) {
      console.warn(
        "[push] this instance's delivery worker is off (PUSH_WORKER=off) on PGlite, whose data folder admits no other process: " +
          "pushes wait in the queue until an instance with its worker on runs",
      );
    }
    // Events become jobs in every process of the pipeline (outbox.ts: several at once enqueue each once).
    dispatcher = await startDispatcher(db, boss, () => worker?.wake(), { intervalMs: opts.dispatchIntervalMs, origin });
    await dispatcher.run();
  } catch (err) {
    await dispatcher?.stop().catch(() => undefined);
    await worker?.stop(0, () => sender?.close()).catch(() => undefined);
    sender?.close();
    await queue.stop().catch(() => undefined);
    throw err;
  }
  const outbox = dispatcher;

  async function busy(includeScheduled: boolean): Promise<boolean> {
    return (worker?.running() ?? 0) > 0 || (await outbox.undispatched()) > 0 || (await countPendingJobs(db, includeScheduled)) > 0;
  }

  let closed: Promise<void> | undefined;
  return {
    async idle(o = {}) {
      const deadline = Date.now() + (o.timeoutMs ?? 30_000);
      // Twice idle in a row: a job's completion is written just after its handler returns.
      let quiet = 0;
      while (quiet < 2) {
        await outbox.run();
        if (await busy(o.includeScheduledRetries ?? false)) {
          quiet = 0;
          worker?.wake();
        } else quiet++;
        if (Date.now() > deadline) throw new Error("push pipeline did not become idle in time");
        await sleep(20);
      }
    },
    async runMaintenance(now, cutoff) {
      await purgeDeliveries(db, cutoff);
      await purgeExpiredEndpoints(db, now);
    },
    worker: worker && { identity: worker.identity },
    get recovered() {
      return worker?.recovered() ?? 0;
    },
    totals,
    close() {
      closed ??= (async () => {
        await outbox.stop();
        // The running batch may finish for STOP_GRACE_MS; then its sends are
        // aborted (status 0: those endpoints are recorded retrying, with retry
        // jobs) and its jobs end, and the jobs it had not started go back to
        // the queue, due now. All while the store is still open.
        await worker?.stop(STOP_GRACE_MS, () => sender?.close());
        sender?.close();
        await queue.stop();
      })();
      return closed;
    },
  };
}
