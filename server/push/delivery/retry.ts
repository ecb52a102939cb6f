// Retries of answers that may pass (429, 5xx, no answer): exponential backoff
// with jitter, never earlier than the push service's Retry-After, and one retry
// job per push service, so one service's Retry-After delays only its own
// endpoints. The retrying marks and the retry jobs commit in one transaction
// (pg-boss's insert takes it as its `db`): a crash leaves all or none.
import type PgBoss from "pg-boss";
import type { Db } from "../../store/db";
import { PUSH_QUEUE, insertJobs, type PushJobData } from "../queue";
import { recordResults, type DeliveryEvent, type DeliveryResult, type PendingRetry } from "./results";

export interface BackoffOptions {
  /** First retry delay; doubled per attempt, with jitter. */
  baseMs: number;
  /** Longest retry delay (Retry-After included). */
  maxMs: number;
}

/** The delay a Retry-After header asks for (seconds or an HTTP-date); undefined when absent or unreadable. */
function retryAfterMs(retryAfter: string | undefined, now: Date): number | undefined {
  if (retryAfter === undefined) return undefined;
  const trimmed = retryAfter.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : at - now.getTime();
}

/**
 * Delay before a retry: exponential backoff with jitter (half to full of
 * base·2^(attempt-1)), never earlier than the push service's Retry-After
 * (seconds or an HTTP-date), capped at `maxMs`.
 */
export function retryDelayMs(attempt: number, retryAfter: string | undefined, now: Date, baseMs: number, maxMs: number, random = Math.random): number {
  const exp = baseMs * 2 ** Math.max(0, attempt - 1);
  const backoff = exp / 2 + (exp / 2) * random();
  const delay = Math.max(backoff, retryAfterMs(retryAfter, now) ?? 0);
  return Math.min(Math.max(0, Math.ceil(delay)), maxMs);
}

/** The retries grouped by push service (endpoint origin). */
function byPushService(retries: readonly PendingRetry[]): PendingRetry[][] {
  const groups = new Map<string, PendingRetry[]>();
  for (const r of retries) {
    const origin = new URL(r.target.push_endpoint).origin;
    const group = groups.get(origin);
    if (group) group.push(r);
    else groups.set(origin, [r]);
  }
  return [...groups.values()];
}

/**
 * Marks the endpoints retrying and enqueues one retry job per push service,
 * due after the longest delay any of its endpoints needs.
 */
export async function scheduleRetries(
  db: Db,
  boss: PgBoss,
  ev: DeliveryEvent,
  job: PushJobData,
  retries: readonly PendingRetry[],
  backoff: BackoffOptions,
  at: Date,
): Promise<void> {
  if (retries.length === 0) return;
  const marks: DeliveryResult[] = [];
  const jobs: PgBoss.JobInsert<PushJobData>[] = byPushService(retries).map((group) => {
    const delay = Math.max(...group.map((r) => retryDelayMs(r.attempts, r.outcome.retryAfter, at, backoff.baseMs, backoff.maxMs)));
    const startAfter = new Date(at.getTime() + delay);
    for (const r of group) {
      marks.push({
        endpointId: r.target.id,
        status: "retrying",
        statusCode: r.outcome.status === 0 ? null : r.outcome.status,
        attempts: r.attempts,
        at,
        reason: r.outcome.error ?? null,
        nextAt: startAfter,
      });
    }
    return {
      name: PUSH_QUEUE,
      data: { seq: job.seq, ...(job.user !== undefined ? { user: job.user } : {}), endpointIds: group.map((r) => r.target.id) },
      startAfter: startAfter.toISOString(),
    };
  });
  await db.transaction(async (tx) => {
    await recordResults(tx, ev, marks);
    await insertJobs(boss, tx, jobs);
  });
}
