// The notifications service: opens the store (locked, migrated, seeded),
// builds the Hono app, runs the periodic expiry purge. `getService()` is the
// per-process instance the Next route handler and instrumentation share.
import type { Hono } from "hono";
import { loadConfig, type ServiceConfig } from "./config";
import { purgeExpired } from "./notifications/service";
import { seedDemo } from "./demo-seed";
import { createSnoozeWaker } from "./notifications/snooze-waker";
import { createApp, type AppEnv } from "./http/app";
import { createAuthenticator } from "./http/auth";
import { createPageTokenCodec } from "./http/page-token";
import { createActionTokenCodec, deriveActionTokenKey } from "./push/action-token";
import { createPushServiceRules } from "./push/push-services";
import { loadVapidKeys } from "./push/send/vapid";
import { startPushPipeline, type PushPipeline, type PushPipelineOptions } from "./push/pipeline";
import { PGBOSS_SCHEMA } from "./push/queue";
import { DELTA_RETENTION_MS } from "./notifications/routes";
import { pruneHistoryQueries, touchUserQuery } from "./notifications/queries";
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
  push: Pick<PushPipeline, "idle" | "kick" | "totals" | "recovered">;
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** The service's clock (tests move it forward to exercise expiry). */
  now?: () => Date;
  /** Maintenance interval; default 60 s. */
  maintenanceIntervalMs?: number;
  /** Push delivery tuning; tests pass the fake push service's CA and short backoffs. */
  push?: PushPipelineOptions;
}

/** Users are recorded as seen at most this often, so reads stay reads. */
const TOUCH_INTERVAL_MS = 5 * 60_000;
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
 * live rows stay few (pruning), so a plain VACUUM of them is short.
 */
const PUSH_VACUUM_INTERVAL_MS = 60 * 60_000;
const PUSH_VACUUM_SQL = `VACUUM ${PGBOSS_SCHEMA}.job, ${PGBOSS_SCHEMA}.archive, notification_events, push_deliveries, endpoints`;

export async function startService(config: ServiceConfig = loadConfig(), opts: ServiceOptions = {}): Promise<Service> {
  const now = opts.now ?? (() => new Date());
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
      { db, vapid, rules: pushServices, mintActionToken: (c) => actionTokens.mint(c), now },
      opts.push,
    );
  } catch (err) {
    await store.close();
    throw err;
  }

  const touched = new Map<string, number>();
  let writesSinceVacuum = Number.POSITIVE_INFINITY;
  let pushVacuumedAt = Number.NEGATIVE_INFINITY;
  const snoozes = createSnoozeWaker(db, { now, onWoke: () => push.kick() });
  // Loads the earliest snooze end and arms its timer (and wakes what passed while stopped).
  snoozes.wakeIfDue(now()).catch((err: unknown) => console.error("[service] snooze wake-up failed:", err));
  const app = createApp({
    db,
    config,
    now,
    authenticate: createAuthenticator(config, actionTokens),
    tokens: createPageTokenCodec(store.tokenKey),
    snoozes,
    noteWrites(rows) {
      writesSinceVacuum += rows;
    },
    vapidPublicKey: vapid.publicKey,
    actionTokens,
    pushServices,
    // Every write left undispatched outbox rows: the dispatcher enqueues them now.
    changed: () => push.kick(),
    async touchUser(p, at) {
      const key = `${p.tenantId}|${p.userId}`;
      const last = touched.get(key);
      if (last !== undefined && at.getTime() - last < TOUCH_INTERVAL_MS) return;
      const sql = touchUserQuery({ tenantId: p.tenantId, userId: p.userId }, p.upn, p.name, at);
      await db.query(sql.text, sql.params);
      touched.set(key, at.getTime());
    },
  });

  const vacuumDue = async (): Promise<boolean> => {
    if (writesSinceVacuum === Number.POSITIVE_INFINITY) return true;
    const { rows } = await db.query<{ tuples: number }>(
      "SELECT greatest(reltuples, 0)::float8 AS tuples FROM pg_class WHERE relname = 'notifications'",
    );
    return writesSinceVacuum > VACUUM_BASE_ROWS + VACUUM_SCALE * (rows[0]?.tuples ?? 0);
  };

  let running: Promise<void> | undefined;
  const runMaintenance = (): Promise<void> => {
    running ??= (async () => {
      const at = now();
      writesSinceVacuum += await purgeExpired(db, at);
      await snoozes.wakeIfDue(at);
      const cutoff = new Date(at.getTime() - DELTA_RETENTION_MS);
      for (const sql of pruneHistoryQueries(cutoff)) await db.query(sql.text, sql.params);
      await push.runMaintenance(at, cutoff);
      // Expiry and wake-ups wrote outbox rows too.
      push.kick();
      // Without this the planner has no statistics and the unread count can
      // never be an index-only scan (the visibility map stays empty).
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
  // unref: the purge must never keep a process (or a test runner) alive.
  const timer = setInterval(() => {
    runMaintenance().catch((err: unknown) => console.error("[service] maintenance failed:", err));
  }, opts.maintenanceIntervalMs ?? 60_000);
  timer.unref();

  let closed: Promise<void> | undefined;
  return {
    app,
    fetch: async (req) => app.fetch(req),
    store,
    runMaintenance,
    push,
    close() {
      closed ??= (async () => {
        clearInterval(timer);
        snoozes.stop();
        await running?.catch(() => undefined);
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
