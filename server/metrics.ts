// The process's Prometheus metrics (prom-client) and the listener that serves
// them. One registry per process, kept on globalThis (as getService keeps the
// service) so `next dev` reloads reuse it instead of registering every metric
// again. Services feed it: the HTTP app observes each request, the push
// pipeline each push service's answer, and a started service attaches its store
// and live-stream hub, read when Prometheus scrapes. /metrics is served on a
// listener of its own (METRICS_HOST:METRICS_PORT, loopback by default), never
// on the public origin.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { vendorPushService } from "../contracts/push-services";
import { PGBOSS_SCHEMA, PUSH_QUEUE } from "./push/queue";
import type { Queryable } from "./store/db";

/** A push service's answer to one send, as the delivery records it. */
export type DeliveryResultLabel = "delivered" | "gone" | "retrying" | "failed";

/** What a running service lets the metrics read at scrape time. */
export interface MetricsSource {
  db: Queryable;
  /** Open live streams (the StreamHub's size). */
  streams: () => number;
}

export interface RequestObservation {
  /** The route pattern (`/me/notifications/:id`), never the raw path; `unmatched` for no route. */
  route: string;
  method: string;
  status: number;
  seconds: number;
}

export interface ProcessMetrics {
  readonly registry: Registry;
  observeRequest(r: RequestObservation): void;
  /** One push service answer (or none: status 0) to a send to `endpoint`. */
  deliveryResult(endpoint: string, result: DeliveryResultLabel): void;
  /** One request answered 429 by a rate limit (`caller`, `recipient`, `failedAuth`). */
  rateLimited(limiter: string): void;
  /**
   * A service's store and hub, read at scrape time; returns the function that
   * detaches them (on close). Open streams are summed over attached services;
   * the queue is read from the most recently attached one's store (a process
   * runs one service; tests may start several).
   */
  attach(source: MetricsSource): () => void;
}

/** How long a scrape waits for the queue query before leaving the queue gauges out. */
const SCRAPE_QUERY_TIMEOUT_MS = 2000;
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

const METRICS_KEY = Symbol.for("graph-notifications.metrics");
type Holder = { [METRICS_KEY]?: ProcessMetrics };

/** The process's metrics, created (with prom-client's default process metrics) on first use. */
export function processMetrics(): ProcessMetrics {
  const holder = globalThis as Holder;
  return (holder[METRICS_KEY] ??= createProcessMetrics());
}

/**
 * The push service label of an endpoint: its host, a vendor's subdomains
 * folded into one (`*.notify.windows.com`), so the label stays a short list.
 */
export function pushServiceLabel(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return "invalid";
  }
  const vendor = vendorPushService(url.hostname);
  if (vendor?.host.startsWith(".")) return `*${vendor.host}`;
  return url.host;
}

interface QueueState {
  due: number;
  scheduled: number;
  active: number;
  oldestDueSeconds: number;
}

function withTimeout<T>(run: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([run, timeout]).finally(() => clearTimeout(timer));
}

/** The delivery queue in pg-boss's job table: jobs due and waiting, scheduled for later, running; the oldest due job's wait. */
async function readQueue(db: Queryable): Promise<QueueState> {
  const { rows } = await db.query<{ due: number; scheduled: number; active: number; oldest: number | null }>(
    `SELECT count(*) FILTER (WHERE state IN ('created', 'retry') AND start_after <= now())::int AS due,
            count(*) FILTER (WHERE state IN ('created', 'retry') AND start_after > now())::int AS scheduled,
            count(*) FILTER (WHERE state = 'active')::int AS active,
            EXTRACT(EPOCH FROM now() - min(start_after) FILTER (WHERE state IN ('created', 'retry') AND start_after <= now()))::float8 AS oldest
       FROM ${PGBOSS_SCHEMA}.job WHERE name = $1 AND state IN ('created', 'retry', 'active')`,
    [PUSH_QUEUE],
  );
  const r = rows[0]!;
  return { due: r.due, scheduled: r.scheduled, active: r.active, oldestDueSeconds: Math.max(0, r.oldest ?? 0) };
}

function createProcessMetrics(): ProcessMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const sources: MetricsSource[] = [];

  const requests = new Counter({
    name: "notifications_http_requests_total",
    help: "Requests the notifications service answered, by route pattern, method and status.",
    labelNames: ["route", "method", "status"] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: "notifications_http_request_duration_seconds",
    help: "Time to answer a request (to its response headers: a live stream counts until it opens), by route pattern and method.",
    labelNames: ["route", "method"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const deliveries = new Counter({
    name: "notifications_push_deliveries_total",
    help: "Pushes sent by this process, by push service (host) and result: delivered, gone (404/410: subscription removed), retrying, failed.",
    labelNames: ["push_service", "result"] as const,
    registers: [registry],
  });
  const limited = new Counter({
    name: "notifications_rate_limited_total",
    help: "Requests answered 429 by a rate limit: caller (one user or app), recipient (sends to one user), failedAuth (a client address refused 401 too often).",
    labelNames: ["limiter"] as const,
    registers: [registry],
  });
  new Gauge({
    name: "notifications_live_streams",
    help: "Live streams (GET /me/notifications/stream) open on this process.",
    registers: [registry],
    collect() {
      this.set(sources.reduce((n, s) => n + s.streams(), 0));
    },
  });

  // Both queue gauges come from one query per scrape: a scrape starts every
  // metric's collect in one synchronous pass, so the read is shared until the next turn.
  let shared: Promise<QueueState | undefined> | undefined;
  let lastFailure: string | undefined;
  function queueState(): Promise<QueueState | undefined> {
    const source = sources.at(-1);
    if (!source) return Promise.resolve(undefined);
    if (!shared) {
      shared = withTimeout(readQueue(source.db), SCRAPE_QUERY_TIMEOUT_MS, "the delivery queue query").then(
        (s) => {
          lastFailure = undefined;
          return s;
        },
        (err: unknown) => {
          const message = err instanceof Error ? err.message : String(err);
          if (message !== lastFailure) console.warn(`[metrics] cannot read the delivery queue: ${message}`);
          lastFailure = message;
          return undefined;
        },
      );
      setImmediate(() => {
        shared = undefined;
      });
    }
    return shared;
  }
  new Gauge({
    name: "notifications_push_queue_jobs",
    help: "Push delivery jobs in the queue (the store's, shared by every instance): due (waiting for a worker), scheduled (retries waiting out their backoff), active (running). Absent when the store cannot be read.",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      const q = await queueState();
      if (!q) this.reset();
      else for (const state of ["due", "scheduled", "active"] as const) this.set({ state }, q[state]);
    },
  });
  new Gauge({
    name: "notifications_push_queue_oldest_due_seconds",
    help: "How long the oldest due push delivery job has waited for a worker (0 when none waits). Absent when the store cannot be read.",
    registers: [registry],
    async collect() {
      const q = await queueState();
      // remove(): no sample at all (a gauge without labels would otherwise say 0).
      if (!q) this.remove();
      else this.set(q.oldestDueSeconds);
    },
  });

  return {
    registry,
    observeRequest({ route, method, status, seconds }) {
      const m = METHODS.has(method) ? method : "other";
      requests.inc({ route, method: m, status: String(status) });
      latency.observe({ route, method: m }, seconds);
    },
    deliveryResult(endpoint, result) {
      deliveries.inc({ push_service: pushServiceLabel(endpoint), result });
    },
    rateLimited(limiter) {
      limited.inc({ limiter });
    },
    attach(source) {
      sources.push(source);
      return () => {
        const i = sources.indexOf(source);
        if (i >= 0) sources.splice(i, 1);
      };
    },
  };
}

export interface MetricsListener {
  /** `http://host:port/metrics`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves `registry` at GET /metrics on host:port (port 0: any free one); nothing else. */
export async function startMetricsListener(registry: Registry, at: { host: string; port: number }): Promise<MetricsListener> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found: metrics are at /metrics\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" }).end("Method not allowed\n");
      return;
    }
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" });
        res.end(req.method === "HEAD" ? undefined : text);
      },
      (err: unknown) => {
        console.error("[metrics] collecting failed:", err);
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("Collecting the metrics failed\n");
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(at.port, at.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = at.host.includes(":") ? `[${at.host}]` : at.host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}/metrics`,
    port,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
