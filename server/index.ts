// The notifications service: opens the store (locked, migrated, seeded) and
// composes the Hono app, the push pipeline and maintenance. `getService()` is
// the per-process instance the Next route handler and instrumentation share;
// `handleGraphRequest` is what the /graph mount serves.
import { randomUUID } from "node:crypto";
import type { Hono } from "hono";
import { assertValidConfig, loadConfig, type ServiceConfig } from "./config";
import { seedDemo } from "./demo-seed";
import { isEndpointLive } from "./endpoints/service";
import { createStreamHub, type StreamOptions } from "./notifications/stream";
import { etagger, toResource } from "./notifications/resource";
import { unreadCount } from "./notifications/service";
import { createSnoozeWaker } from "./notifications/snooze-waker";
import { createApp } from "./http/app";
import type { AppEnv } from "./http/env";
import { createAuthenticator } from "./http/authenticate";
import { GraphError, echoableClientRequestId, graphErrorResponse } from "./http/graph-error";
import { createPageTokenCodec } from "./http/page-token";
import { createRateLimits } from "./http/middleware/rate-limit";
import { createMaintenance } from "./maintenance";
import { processMetrics, startMetricsListener, type MetricsListener } from "./metrics";
import { createReadinessHandler } from "./health";
import { createActionTokenCodec, deriveActionTokenKey } from "./push/action-token";
import { createPushServiceRules } from "./push/push-services";
import { loadVapidKeys } from "./push/send/vapid";
import { startPushPipeline, type PushPipeline, type PushPipelineDeps, type PushPipelineOptions } from "./push/pipeline";
import { touchUserQuery } from "./notifications/queries";
import { openStore, type Store } from "./store/store";

export type { ServiceConfig } from "./config";
export type { Store } from "./store/store";

export interface Service {
  app: Hono<AppEnv>;
  /**
   * Answers a request. `env`: @hono/node-server's bindings (`{ incoming,
   * outgoing }`) when it serves the request, so the client's socket address is
   * known (rate limits before authentication); without them the address comes
   * from X-Forwarded-For alone (under Next: installForwardedForHop).
   */
  fetch(req: Request, env?: unknown): Promise<Response>;
  store: Store;
  /** Runs one maintenance pass now (expiry purge, snooze wake-up, history pruning). */
  runMaintenance(): Promise<void>;
  /** The push delivery pipeline (tests wait on `push.idle()`). */
  push: Pick<PushPipeline, "idle" | "totals" | "recovered">;
  /** Where this service's /metrics listener serves (`http://127.0.0.1:9464/metrics`); undefined: none. */
  metricsUrl: string | undefined;
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** The service's clock (tests move it forward to exercise expiry). */
  now?: () => Date;
  /** Maintenance interval; default 60 s. */
  maintenanceIntervalMs?: number;
  /** Push delivery tuning; tests pass the fake push service's CA and short backoffs. */
  push?: PushPipelineOptions;
  /** The live stream's heartbeat and batch size. */
  stream?: StreamOptions;
  /**
   * Serve /metrics on a listener of its own: `true` at the configured
   * METRICS_HOST:METRICS_PORT (none when METRICS_PORT is off), or at the given
   * port (0: any free one) and host (default METRICS_HOST). Default: none, as
   * tests and benchmarks start many services in one process; the process
   * entry points (getService, `npm run service`) pass `true`. Metrics are
   * collected into the process's registry either way. A port that cannot be
   * bound is logged, and the service runs without it.
   */
  metricsListener?: boolean | { port: number; host?: string };
}

/** Users are recorded as seen at most this often, so reads stay reads. */
const TOUCH_INTERVAL_MS = 5 * 60_000;

export async function startService(config: ServiceConfig = loadConfig(), opts: ServiceOptions = {}): Promise<Service> {
  const now = opts.now ?? (() => new Date());
  // Every configuration problem at once, before anything opens.
  assertValidConfig(config);
  const store = await openStore(config);
  const { db } = store;
  const metrics = processMetrics();
  const actionTokens = createActionTokenCodec(deriveActionTokenKey(store.tokenKey));
  let vapid: Awaited<ReturnType<typeof loadVapidKeys>>;
  let pushServices: ReturnType<typeof createPushServiceRules>;
  let push: PushPipeline;
  // A failed start closes the store it opened (its data folder lock goes with it).
  try {
    if (config.seedDemo && (await seedDemo(db, now()))) {
      console.log(`[service] seeded the demo tenants, users and inboxes in ${store.location}`);
    }
    ({ vapid, pushServices, push } = await startPush(
      config,
      store,
      { now, worker: config.pushWorker, mintActionToken: (c) => actionTokens.mint(c), onDeliveryResult: metrics.deliveryResult },
      opts.push,
    ));
  } catch (err) {
    await store.close();
    throw err;
  }

  const touched = new Map<string, number>();
  const snoozes = createSnoozeWaker(db, { now });
  // Loads the earliest snooze end and arms its timer (and wakes what passed while stopped).
  snoozes.wakeIfDue(now()).catch((err: unknown) => console.error("[service] snooze wake-up failed:", err));
  const rateLimits = createRateLimits(config.rateLimit, {
    // PGlite: one process owns the store, so its memory is the one count.
    db: config.databaseUrl === undefined ? undefined : db,
    trustProxy: config.trustProxy,
    onLimited: metrics.rateLimited,
  });
  const maintenance = createMaintenance({ store, snoozes, push, now, rateLimits, intervalMs: opts.maintenanceIntervalMs });
  const tokens = createPageTokenCodec(store.tokenKey);
  const etagOf = etagger(tokens);
  const stream = await createStreamHub(
    {
      db,
      tokens,
      now,
      toResource: (row, at) => toResource(row, at, etagOf),
      unreadCount: (owner, at) => unreadCount(db, owner, at),
    },
    opts.stream,
  );
  const app = createApp({
    db,
    config,
    now,
    authenticate: createAuthenticator(config, actionTokens),
    tokens,
    stream,
    snoozes,
    noteWrites: maintenance.noteWrites,
    vapidPublicKey: vapid.publicKey,
    pushServices,
    isEndpointLive: (owner, endpointId, at) => isEndpointLive(db, owner, endpointId, at),
    observeRequest: metrics.observeRequest,
    rateLimits,
    async touchUser(p, at) {
      const key = `${p.tenantId}|${p.userId}`;
      const last = touched.get(key);
      if (last !== undefined && at.getTime() - last < TOUCH_INTERVAL_MS) return;
      const sql = touchUserQuery({ tenantId: p.tenantId, userId: p.userId }, p.upn, p.name, at);
      await db.query(sql.text, sql.params);
      touched.set(key, at.getTime());
    },
  });

  const detachMetrics = metrics.attach({ db, streams: () => stream.size });
  const metricsListener = await openMetricsListener(config, opts.metricsListener, metrics.registry);

  let closed: Promise<void> | undefined;
  return {
    app,
    fetch: async (req, env) => app.fetch(req, env),
    store,
    runMaintenance: maintenance.run,
    push,
    metricsUrl: metricsListener?.url,
    close() {
      closed ??= (async () => {
        await metricsListener?.close();
        detachMetrics();
        snoozes.stop();
        await stream.close().catch((err: unknown) => console.error("[service] stream stop failed:", err));
        await maintenance.stop();
        await push.close().catch((err: unknown) => console.error("[service] push pipeline stop failed:", err));
        await store.close();
      })();
      return closed;
    },
  };
}

/** The /metrics listener ServiceOptions.metricsListener asks for, if it can listen (a failure is logged, not fatal). */
async function openMetricsListener(
  config: ServiceConfig,
  wanted: ServiceOptions["metricsListener"],
  registry: ReturnType<typeof processMetrics>["registry"],
): Promise<MetricsListener | undefined> {
  const at = wanted === true ? (config.metricsPort === undefined ? undefined : { port: config.metricsPort }) : wanted || undefined;
  if (!at) return undefined;
  const host = at.host ?? config.metricsHost;
  try {
    const listener = await startMetricsListener(registry, { host, port: at.port });
    console.log(`[metrics] serving ${listener.url}`);
    return listener;
  } catch (err) {
    console.error(`[metrics] cannot listen on ${host}:${at.port} (${err instanceof Error ? err.message : String(err)}): this process serves no metrics`);
    return undefined;
  }
}

/**
 * The push side of a process on an open store: the VAPID pair, the push
 * services' allowlist and the pipeline, its delivery worker on or off. An app
 * instance (startService) and a worker process (startWorker) both start it so.
 */
async function startPush(
  config: ServiceConfig,
  store: Store,
  deps: Pick<PushPipelineDeps, "now" | "worker" | "mintActionToken" | "onDeliveryResult">,
  opts: PushPipelineOptions = {},
): Promise<{ vapid: Awaited<ReturnType<typeof loadVapidKeys>>; pushServices: ReturnType<typeof createPushServiceRules>; push: PushPipeline }> {
  const vapid = await loadVapidKeys(config);
  const pushServices = createPushServiceRules(config.extraPushServices);
  const push = await startPushPipeline(
    { ...deps, db: store.db, exclusiveStore: store.exclusive, vapid, rules: pushServices },
    { heartbeatMs: config.pushHeartbeatSeconds * 1000, ...opts },
  );
  return { vapid, pushServices, push };
}

/** A delivery worker process (`npm run worker`): the push pipeline with its worker on, and no HTTP. */
export interface PushWorker {
  store: Store;
  push: Pick<PushPipeline, "idle" | "totals" | "recovered" | "worker">;
  /** Where its /metrics listener serves (METRICS_PORT: one per process on a machine); undefined: none. */
  metricsUrl: string | undefined;
  /** Stops fetching, finishes or gives back the running jobs, unregisters, closes the store. */
  close(): Promise<void>;
}

/**
 * Opens the store as the service does (configuration checked first;
 * migrations under the advisory lock) and runs delivery jobs. On PGlite the
 * data folder has one owner: a worker cannot share it with a running app
 * (the store's open says so); there, the app's own worker (PUSH_WORKER on) sends.
 */
export async function startWorker(
  config: ServiceConfig = loadConfig(),
  opts: Pick<ServiceOptions, "now" | "push" | "metricsListener"> = {},
): Promise<PushWorker> {
  const now = opts.now ?? (() => new Date());
  assertValidConfig(config);
  const store = await openStore(config);
  const metrics = processMetrics();
  let push: PushPipeline;
  try {
    const actionTokens = createActionTokenCodec(deriveActionTokenKey(store.tokenKey));
    ({ push } = await startPush(
      config,
      store,
      { now, worker: true, mintActionToken: (c) => actionTokens.mint(c), onDeliveryResult: metrics.deliveryResult },
      opts.push,
    ));
  } catch (err) {
    await store.close();
    throw err;
  }
  // Its deliveries by push service and result, and the queue it drains (no streams: no HTTP).
  const detachMetrics = metrics.attach({ db: store.db, streams: () => 0 });
  const metricsListener = await openMetricsListener(config, opts.metricsListener, metrics.registry);
  let closed: Promise<void> | undefined;
  return {
    store,
    push,
    metricsUrl: metricsListener?.url,
    close() {
      closed ??= (async () => {
        await metricsListener?.close();
        detachMetrics();
        await push.close().catch((err: unknown) => console.error("[worker] push pipeline stop failed:", err));
        await store.close();
      })();
      return closed;
    },
  };
}

const SERVICE_KEY = Symbol.for("graph-notifications.service");
const STOPPING_KEY = Symbol.for("graph-notifications.stopping");
const HANDLERS_KEY = Symbol.for("graph-notifications.signal-handlers");
type Holder = { [SERVICE_KEY]?: Promise<Service>; [STOPPING_KEY]?: true; [HANDLERS_KEY]?: true };

/** getService's answer once the process has begun to stop: requests get 503, and the store is not opened again. */
export class ServiceStoppingError extends Error {
  constructor() {
    super("The notifications service is shutting down.");
  }
}

/**
 * The process's one service, kept on globalThis so `next dev` hot reloads
 * reuse it (a module variable would open PGlite again on the same folder).
 * A failed open is not kept: the next call tries again.
 */
export function getService(): Promise<Service> {
  const holder = globalThis as Holder;
  if (holder[STOPPING_KEY]) return Promise.reject(new ServiceStoppingError());
  let pending = holder[SERVICE_KEY];
  if (!pending) {
    pending = startService(loadConfig(), { metricsListener: true });
    holder[SERVICE_KEY] = pending;
    pending.catch(() => {
      if (holder[SERVICE_KEY] === pending) delete holder[SERVICE_KEY];
    });
  }
  return pending;
}

/**
 * Closes the process's service, if it opened: open streams end (clients
 * reconnect), running push jobs finish, the store closes (PGlite's folder is
 * unlocked). Requests meanwhile are 503 and /readyz fails, so a load balancer
 * drains this instance.
 */
export async function stopService(): Promise<void> {
  const holder = globalThis as Holder;
  holder[STOPPING_KEY] = true;
  const service = await holder[SERVICE_KEY]?.catch(() => undefined);
  await service?.close();
}

/** How long a shutdown may take before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 15_000;

/**
 * For instrumentation.ts when Next leaves signals to the app
 * (NEXT_MANUAL_SIG_HANDLE, which `npm start` sets): on SIGTERM or SIGINT, stop
 * the service, then exit. Next's own handler would exit at once, leaving the
 * store open, its folder locked, and push jobs cut off mid-delivery.
 */
export function stopServiceOnSignals(): void {
  const holder = globalThis as Holder;
  if (holder[HANDLERS_KEY]) return;
  holder[HANDLERS_KEY] = true;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`[service] ${signal}: stopping`);
    setTimeout(() => {
      console.error(`[service] not stopped within ${SHUTDOWN_TIMEOUT_MS / 1000} s: exiting anyway`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    stopService().then(
      () => {
        console.log("[service] stopped");
        process.exit(0);
      },
      (err: unknown) => {
        console.error("[service] stop failed:", err);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
/** Opens the service for a request (the process's one, by default). */
export type OpenService = () => Promise<Pick<Service, "fetch">>;

/**
 * A /graph request handler: the request goes to the service, or, while it
 * cannot open, gets the same Graph error the service gives (503, request ids
 * included, so clients can correlate it).
 */
export function createGraphHandler(open: OpenService): (req: Request) => Promise<Response> {
  return async (req) => {
    let service;
    try {
      service = await open();
    } catch (err) {
      const stopping = err instanceof ServiceStoppingError;
      if (!stopping) console.error("[service] unavailable:", err instanceof Error ? err.message : err);
      const requestId = randomUUID();
      const clientRequestId = echoableClientRequestId(req.headers.get("client-request-id"));
      const error = new GraphError(
        "serviceNotAvailable",
        stopping ? "The notifications service is shutting down; try again shortly." : "The notifications service could not open its store.",
        { "Retry-After": "5" },
      );
      const res = graphErrorResponse(error, requestId, clientRequestId);
      res.headers.set("request-id", requestId);
      if (clientRequestId !== undefined) res.headers.set("client-request-id", clientRequestId);
      return res;
    }
    return service.fetch(req);
  };
}

/** What app/graph/[...path]/route.ts serves for every method. */
export const handleGraphRequest = createGraphHandler(getService);

/**
 * For instrumentation.ts, in Next's server process: the server appends each
 * request's socket address to X-Forwarded-For, as a proxy would, since Next
 * keeps a client's own header as sent (server/http/client-address.ts).
 */
export { installForwardedForHop } from "./http/client-address";

/** What app/healthz/route.ts and app/readyz/route.ts serve (server/health.ts). */
export { handleLiveness } from "./health";
export const handleReadiness = createReadinessHandler(getService);
