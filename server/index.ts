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
import { countNotifications } from "./notifications/service";
import { createSnoozeWaker } from "./notifications/snooze-waker";
import { createApp } from "./http/app";
import type { AppEnv } from "./http/env";
import { createAuthenticator } from "./http/authenticate";
import { GraphError, echoableClientRequestId, graphErrorResponse } from "./http/graph-error";
import { createPageTokenCodec } from "./http/page-token";
import { createMaintenance } from "./maintenance";
import { createActionTokenCodec, deriveActionTokenKey } from "./push/action-token";
import { createPushServiceRules } from "./push/push-services";
import { loadVapidKeys } from "./push/send/vapid";
import { startPushPipeline, type PushPipeline, type PushPipelineOptions } from "./push/pipeline";
import { touchUserQuery } from "./notifications/queries";
import { openStore, type Store } from "./store/store";

export type { ServiceConfig } from "./config";
export type { Store } from "./store/store";

export interface Service {
  app: Hono<AppEnv>;
  fetch(req: Request): Promise<Response>;
  store: Store;
  /** Runs one maintenance pass now (expiry purge, snooze wake-up, history pruning). */
  runMaintenance(): Promise<void>;
  /** The push delivery pipeline (tests wait on `push.idle()`). */
  push: Pick<PushPipeline, "idle" | "totals" | "recovered">;
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
}

/** Users are recorded as seen at most this often, so reads stay reads. */
const TOUCH_INTERVAL_MS = 5 * 60_000;

export async function startService(config: ServiceConfig = loadConfig(), opts: ServiceOptions = {}): Promise<Service> {
  const now = opts.now ?? (() => new Date());
  // Every configuration problem at once, before anything opens.
  assertValidConfig(config);
  const store = await openStore(config);
  const { db } = store;
  const actionTokens = createActionTokenCodec(deriveActionTokenKey(store.tokenKey));
  let vapid: Awaited<ReturnType<typeof loadVapidKeys>>;
  let pushServices: ReturnType<typeof createPushServiceRules>;
  let push: PushPipeline;
  // A failed start closes the store it opened (its data folder lock goes with it).
  try {
    if (config.seedDemo && (await seedDemo(db, now()))) {
      console.log(`[service] seeded the demo tenants, users and inboxes in ${store.location}`);
    }
    vapid = await loadVapidKeys(config);
    pushServices = createPushServiceRules(config.extraPushServices);
    push = await startPushPipeline(
      { db, exclusiveStore: store.exclusive, vapid, rules: pushServices, mintActionToken: (c) => actionTokens.mint(c), now },
      opts.push,
    );
  } catch (err) {
    await store.close();
    throw err;
  }

  const touched = new Map<string, number>();
  const snoozes = createSnoozeWaker(db, { now });
  // Loads the earliest snooze end and arms its timer (and wakes what passed while stopped).
  snoozes.wakeIfDue(now()).catch((err: unknown) => console.error("[service] snooze wake-up failed:", err));
  const maintenance = createMaintenance({ store, snoozes, push, now, intervalMs: opts.maintenanceIntervalMs });
  const tokens = createPageTokenCodec(store.tokenKey);
  const etagOf = etagger(tokens);
  const stream = await createStreamHub(
    {
      db,
      tokens,
      now,
      toResource: (row, at) => toResource(row, at, etagOf),
      unreadCount: (owner, at) => countNotifications(db, { ...owner, now: at, filters: [{ field: "readState", op: "eq", value: "unread" }], search: [] }),
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
    async touchUser(p, at) {
      const key = `${p.tenantId}|${p.userId}`;
      const last = touched.get(key);
      if (last !== undefined && at.getTime() - last < TOUCH_INTERVAL_MS) return;
      const sql = touchUserQuery({ tenantId: p.tenantId, userId: p.userId }, p.upn, p.name, at);
      await db.query(sql.text, sql.params);
      touched.set(key, at.getTime());
    },
  });

  let closed: Promise<void> | undefined;
  return {
    app,
    fetch: async (req) => app.fetch(req),
    store,
    runMaintenance: maintenance.run,
    push,
    close() {
      closed ??= (async () => {
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

const SERVICE_KEY = Symbol.for("graph-notifications.service");
type Holder = { [SERVICE_KEY]?: Promise<Service> };

/**
 * The process's one service, kept on globalThis so `next dev` hot reloads
 * reuse it (a module variable would open PGlite again on the same folder).
 * A failed open is not kept: the next call tries again.
 */
export function getService(): Promise<Service> {
  const holder = globalThis as Holder;
  let pending = holder[SERVICE_KEY];
  if (!pending) {
    pending = startService(loadConfig());
    holder[SERVICE_KEY] = pending;
    pending.catch(() => {
      if (holder[SERVICE_KEY] === pending) delete holder[SERVICE_KEY];
    });
  }
  return pending;
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
      console.error("[service] unavailable:", err instanceof Error ? err.message : err);
      const requestId = randomUUID();
      const clientRequestId = echoableClientRequestId(req.headers.get("client-request-id"));
      const error = new GraphError("serviceNotAvailable", "The notifications service could not open its store.", { "Retry-After": "5" });
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
