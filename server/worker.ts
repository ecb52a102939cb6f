// `npm run worker`: a delivery worker and nothing else (no HTTP). Any number may
// run, on any machines, against one PostgreSQL database (DATABASE_URL), beside
// app instances with or without their own worker (PUSH_WORKER=off). Each one
// heartbeats; a worker that dies has its jobs run by the others once its
// heartbeat is 3 intervals old (server/push/workers.ts). SIGTERM or SIGINT stops
// it cleanly: it fetches nothing more, lets the running jobs finish (3 s at
// most, then aborts their sends, recorded for retry), gives back what it had
// not started, and unregisters. Its /metrics (deliveries by push service and
// result, the queue) is served on METRICS_PORT like an app instance's.
import { loadConfig } from "./config";
import { startWorker } from "./index";
import { DataDirLockedError } from "./store/lock";

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) {
    console.warn(
      "[worker] no DATABASE_URL: running on PGlite in DATA_DIR, which only one process may open at a time — " +
        "this worker instead of the app's own (PUSH_WORKER on), never beside a running app.",
    );
  }
  let worker;
  try {
    worker = await startWorker(config, { metricsListener: true });
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      throw new Error(
        `${err.message} A delivery worker beside a running app needs PostgreSQL (DATABASE_URL): on PGlite the app's own worker ` +
          "(PUSH_WORKER on, the default) sends the pushes.",
      );
    }
    throw err;
  }
  const w = worker;
  console.log(
    `[worker] ${w.push.worker?.identity.id} delivering pushes from ${w.store.location} (heartbeat every ${config.pushHeartbeatSeconds} s)`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker] ${signal}: stopping`);
    w.close().then(
      () => {
        console.log(`[worker] stopped after ${w.push.totals.jobs} job(s), ${w.push.totals.delivered} push(es) delivered`);
        process.exit(0);
      },
      (err: unknown) => {
        console.error("[worker] close failed:", err);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error("[worker] failed to start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
