// Liveness and readiness, at the origin's root of every instance: the Next
// app's /healthz and /readyz route handlers and `npm run service` answer from
// here. /healthz: the process runs. /readyz: the service is open, its database
// answers a `SELECT 1` and the push queue (pg-boss's tables in that database)
// answers, each within a short timeout; otherwise 503 with Retry-After and
// which check failed (the reason is logged, never sent: the answer is public).
import type { Service } from "./index";
import { PGBOSS_SCHEMA, PUSH_QUEUE } from "./push/queue";

/** Seconds a load balancer or client is asked to wait before asking again. */
export const READY_RETRY_AFTER_SECONDS = 5;
/** Each check's time limit by default. */
export const READY_TIMEOUT_MS = 2000;

export type CheckName = "service" | "database" | "queue";
/** ok; failed (an error); timeout (no answer in time); skipped (an earlier check failed); starting (the service is still opening). */
export type CheckResult = "ok" | "failed" | "timeout" | "skipped" | "starting";

export interface ReadinessBody {
  status: "ready" | "unavailable";
  /** The checks that did not pass (absent when ready). */
  failed?: CheckName[];
  checks: Record<CheckName, CheckResult>;
}

export interface HealthAnswer<B = unknown> {
  status: number;
  headers: Record<string, string>;
  body: B;
}

export interface ReadinessOptions {
  /** Each check's time limit; default 2 s. */
  timeoutMs?: number;
}

class TimeoutError extends Error {}

function within<T>(run: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`no answer within ${ms} ms`)), ms);
  });
  // A late rejection of the raced work is not unhandled.
  run.catch(() => undefined);
  return Promise.race([run, timeout]).finally(() => clearTimeout(timer));
}

let lastLogged: string | undefined;
/** Says why the instance is not ready, once per change (a probe may ask every few seconds). */
function logReadiness(failed: CheckName[], reasons: string[]): void {
  const line = failed.length === 0 ? undefined : `[health] not ready: ${reasons.join("; ")}`;
  if (line === lastLogged) return;
  if (line) console.warn(line);
  else if (lastLogged) console.log("[health] ready again");
  lastLogged = line;
}

/** 200 `{"status":"ok"}` for as long as the process runs. */
export function liveness(): HealthAnswer<{ status: "ok" }> {
  return { status: 200, headers: { "Cache-Control": "no-store" }, body: { status: "ok" } };
}

function answer(checks: Record<CheckName, CheckResult>, reasons: string[]): HealthAnswer<ReadinessBody> {
  const failed = (Object.keys(checks) as CheckName[]).filter((k) => checks[k] !== "ok" && checks[k] !== "skipped");
  logReadiness(failed, reasons);
  if (failed.length === 0) return { status: 200, headers: { "Cache-Control": "no-store" }, body: { status: "ready", checks } };
  return {
    status: 503,
    headers: { "Cache-Control": "no-store", "Retry-After": String(READY_RETRY_AFTER_SECONDS) },
    body: { status: "unavailable", failed, checks },
  };
}

/**
 * Whether `service` can serve: its database answers `SELECT 1`, then the push
 * queue answers (pg-boss's queue row for deliveries), each within the timeout.
 * A closed service's store fails the database check.
 */
export async function readiness(service: Pick<Service, "store">, opts: ReadinessOptions = {}): Promise<HealthAnswer<ReadinessBody>> {
  const timeoutMs = opts.timeoutMs ?? READY_TIMEOUT_MS;
  const checks: Record<CheckName, CheckResult> = { service: "ok", database: "skipped", queue: "skipped" };
  const reasons: string[] = [];
  const run = async (name: CheckName, check: () => Promise<void>): Promise<boolean> => {
    try {
      await within(check(), timeoutMs);
      checks[name] = "ok";
      return true;
    } catch (err) {
      checks[name] = err instanceof TimeoutError ? "timeout" : "failed";
      reasons.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  };
  const { db } = service.store;
  if (await run("database", async () => void (await db.query("SELECT 1")))) {
    await run("queue", async () => {
      const { rows } = await db.query(`SELECT 1 FROM ${PGBOSS_SCHEMA}.queue WHERE name = $1`, [PUSH_QUEUE]);
      if (rows.length === 0) throw new Error(`pg-boss has no queue '${PUSH_QUEUE}'`);
    });
  }
  return answer(checks, reasons);
}

/**
 * Readiness of the service `open` gives (the process's one): one that is
 * still opening after the timeout, or could not open, is not ready.
 */
export async function readinessOf(open: () => Promise<Pick<Service, "store">>, opts: ReadinessOptions = {}): Promise<HealthAnswer<ReadinessBody>> {
  const timeoutMs = opts.timeoutMs ?? READY_TIMEOUT_MS;
  let service: Pick<Service, "store">;
  try {
    service = await within(open(), timeoutMs);
  } catch (err) {
    const starting = err instanceof TimeoutError;
    const reason = starting ? "still opening" : err instanceof Error ? err.message : String(err);
    return answer({ service: starting ? "starting" : "failed", database: "skipped", queue: "skipped" }, [`service: ${reason}`]);
  }
  return readiness(service, opts);
}

/** A HealthAnswer as a JSON Response. */
export function healthResponse(a: HealthAnswer, method = "GET"): Response {
  const headers = { "Content-Type": "application/json; charset=utf-8", ...a.headers };
  return new Response(method === "HEAD" ? null : JSON.stringify(a.body), { status: a.status, headers });
}

/** app/healthz/route.ts's handler. */
export function handleLiveness(req?: Request): Response {
  return healthResponse(liveness(), req?.method);
}

/** app/readyz/route.ts's handler, over the service `open` gives. */
export function createReadinessHandler(open: () => Promise<Pick<Service, "store">>, opts: ReadinessOptions = {}): (req?: Request) => Promise<Response> {
  return async (req) => healthResponse(await readinessOf(open, opts), req?.method);
}

/**
 * `npm run service`'s fetch: /healthz and /readyz (GET or HEAD) at the
 * origin's root, everything else to the service.
 */
export function withHealthChecks(service: Pick<Service, "store" | "fetch">, opts: ReadinessOptions = {}): (req: Request, env?: unknown) => Promise<Response> {
  return async (req, env) => {
    if (req.method === "GET" || req.method === "HEAD") {
      const { pathname } = new URL(req.url);
      if (pathname === "/healthz") return handleLiveness(req);
      if (pathname === "/readyz") return healthResponse(await readiness(service, opts), req.method);
    }
    // The server's bindings go along: the service reads the client's socket address from them.
    return service.fetch(req, env);
  };
}
