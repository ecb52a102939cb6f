// One delivery job: one notification event fanned out to the user's endpoints.
// The payload is built from the notification's CURRENT row (a late job never
// shows a stale state); which endpoints get it is the rule in targets.ts; each
// endpoint's answer is recorded (results.ts: a rerun after a crash skips settled
// endpoints); answers that may pass go into retry jobs (retry.ts).
import type PgBoss from "pg-boss";
import { isStatePush } from "../../../contracts/push-payload";
import type { SkipReason } from "../../../contracts/support";
import { pushKindOf } from "../../notifications/events";
import { unreadCountQuery, type Owner } from "../../notifications/queries";
import type { Db, Sql } from "../../store/db";
import type { ActionClaims } from "../action-token";
import type { PushServiceRules } from "../push-services";
import type { PushJobData } from "../queue";
import { pushHeadersFor, type PushHeaders } from "../send/headers";
import { MAX_PAYLOAD_BYTES, buildPushPayload, type PayloadInput } from "../send/payload";
import type { PushSender, SendOutcome } from "../send/sender";
import {
  deliveryTargetsQuery,
  eventBySeqQuery,
  pushedNotificationQuery,
  settledSinceQuery,
  type EventRow,
  type PushedNotificationRow,
  type TargetRow,
} from "./queries";
import {
  EMPTY_SUMMARY,
  createResultRecorder,
  recordNotOwed,
  recordSkipped,
  skipRetries,
  type DeliveryEvent,
  type DeliveryResultHook,
  type DeliverySummary,
} from "./results";
import { scheduleRetries } from "./retry";
import { chooseTargets, notOwedReason, settledIdsFor, settledSinceOf } from "./targets";

export type { DeliverySummary } from "./results";

export interface DeliveryOptions {
  /** Sends being prepared or in flight per job (the sender's agent caps open sockets per origin). Default 128. */
  concurrency?: number;
  /** Attempts per endpoint and event before it is recorded failed. Default 5. */
  maxAttempts?: number;
  /** First retry delay; doubled per attempt, with jitter. Default 1 s. */
  backoffBaseMs?: number;
  /** Longest retry delay (Retry-After included). Default 10 min. */
  backoffMaxMs?: number;
  /** Results written per statement. Default 200. */
  resultBatch?: number;
  /** A partial batch is written after this long. Default 20 ms. */
  resultFlushMs?: number;
}

export interface DeliveryDeps {
  db: Db;
  /** Retry jobs are enqueued on it, in the transaction that marks their endpoints retrying. */
  boss: PgBoss;
  sender: PushSender;
  rules: PushServiceRules;
  mintActionToken: (c: ActionClaims) => string;
  now: () => Date;
  options?: DeliveryOptions;
  /** Told of each send's result (the process's metrics). */
  onResult?: DeliveryResultHook;
}

/** 413 from the push service: the payload is rebuilt within these budgets in turn. */
const SHRINKING_BUDGETS = [MAX_PAYLOAD_BYTES, 1500, 750] as const;
/** settledIds are read for at most this many items per push (the payload carries fewer). */
const SETTLED_READ_LIMIT = 200;

/** Runs one job. Throws only when the store fails (pg-boss then retries the job; the rerun skips settled endpoints). */
export async function deliverJob(deps: DeliveryDeps, job: PushJobData): Promise<DeliverySummary> {
  const { db } = deps;
  const o = deps.options ?? {};
  const now = deps.now();

  const event = await first<EventRow>(db, eventBySeqQuery(job.seq, job.user));
  // Pruned by retention, or a kind that pushes nothing: nothing left to say.
  const kind = event && pushKindOf(event.kind);
  if (!event || !kind) return EMPTY_SUMMARY;
  const owner: Owner = { tenantId: event.tenant_id, userId: event.user_id };
  const statePush = isStatePush(kind);
  const ev: DeliveryEvent = { ...owner, seq: job.seq, notificationId: event.notification_id, kind };
  /**
   * Nothing to send (any more), for `reason`: a retry job settles the
   * endpoints it carried; a display push owed to nobody is recorded once for
   * support's delivery record (state pushes owed to nobody are not news).
   */
  const nothingToSend = async (reason: SkipReason) => {
    if (job.endpointIds) await skipRetries(db, ev, job.endpointIds, reason, deps.now());
    else if (!statePush) await recordNotOwed(db, ev, reason, deps.now());
    return EMPTY_SUMMARY;
  };

  // No row: expired and purged (the app learns it from delta).
  const row = await first<PushedNotificationRow>(db, pushedNotificationQuery(owner, event.notification_id));
  if (!row) return nothingToSend("expired");
  const notOwed = notOwedReason(kind, row, event.kind, now);
  if (notOwed) return nothingToSend(notOwed);

  const candidates = await all<TargetRow>(
    db,
    deliveryTargetsQuery({
      ...owner,
      seq: job.seq,
      notificationId: row.id,
      actingEndpointId: event.endpoint_id,
      now,
      retryEndpointIds: job.endpointIds ?? null,
      onlyDisplayed: statePush,
    }),
  );
  const { send: targets, skipped, displayOnly } = chooseTargets(kind, candidates, deps.rules);
  // Endpoints a display push may never reach (their push service left the allowlist): on their record, once.
  if (!statePush && skipped.length > 0) await recordSkipped(db, ev, skipped.map((t) => t.id), "pushServiceNotAllowed", now);
  // A retry job whose endpoints expired meanwhile (removed ones have no row left to settle).
  if (targets.length === 0) return job.endpointIds ? nothingToSend("subscriptionExpired") : EMPTY_SUMMARY;

  const { count: unreadCount } = (await first<{ count: number }>(db, unreadCountQuery(owner, now)))!;
  const settledIds = statePush ? new Map<string, string[]>() : await readSettledIds(db, owner, row.id, displayOnly);
  const headers = pushHeadersFor({
    kind,
    priority: row.priority,
    notificationId: row.id,
    expiration: row.expiration,
    displayUntil: row.display_until,
    now,
  });
  const recorder = createResultRecorder(db, ev, targets.length, {
    maxAttempts: o.maxAttempts ?? 5,
    batch: o.resultBatch ?? 200,
    flushMs: o.resultFlushMs ?? 20,
    onResult: deps.onResult,
  });

  await forEachConcurrently(targets, o.concurrency ?? 128, async (t) => {
    const payload: PayloadInput = {
      kind,
      row,
      unreadCount,
      // State pushes carry no buttons, so no token to act with.
      actionToken: statePush
        ? undefined
        : deps.mintActionToken({ ...owner, notificationId: row.id, endpointId: t.id, expiresAt: row.expiration }),
      settledIds: settledIds.get(t.id),
    };
    const outcome = await sendShrinkingOn413(deps.sender, t, payload, headers);
    recorder.note(t, t.attempts + 1, outcome, deps.now());
  });

  const { summary, retries } = await recorder.finish();
  await scheduleRetries(db, deps.boss, ev, job, retries, { baseMs: o.backoffBaseMs ?? 1000, maxMs: o.backoffMaxMs ?? 600_000 }, deps.now());
  return summary;
}

/** Rule 4 (targets.ts): what each display-only endpoint should close, from one read. */
async function readSettledIds(db: Db, owner: Owner, notificationId: string, displayOnly: readonly TargetRow[]): Promise<Map<string, string[]>> {
  const since = settledSinceOf(displayOnly);
  if (!since) return new Map();
  const settled = await all<{ id: string; at: Date }>(db, settledSinceQuery(owner, since, notificationId, SETTLED_READ_LIMIT));
  return settledIdsFor(displayOnly, settled);
}

/**
 * Sends one endpoint its push. A 413 (too large for this push service) is
 * answered by trimming the payload further and resending at once; a payload
 * that cannot be trimmed that far (a title of escaped characters) is recorded
 * as too large, not retried.
 */
async function sendShrinkingOn413(sender: PushSender, t: TargetRow, input: PayloadInput, headers: PushHeaders): Promise<SendOutcome> {
  let outcome: SendOutcome = { status: 0 };
  for (const budget of SHRINKING_BUDGETS) {
    let json: string;
    try {
      json = buildPushPayload(input, budget).json;
    } catch (err) {
      return { status: 413, error: (err as Error).message };
    }
    outcome = await sender.send({ endpoint: t.push_endpoint, p256dh: t.p256dh, auth: t.auth }, json, headers);
    if (outcome.status !== 413) break;
  }
  return outcome;
}

/** Runs `fn` over `items` with at most `limit` running at once, in order of start. */
async function forEachConcurrently<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

async function all<T>(db: Db, sql: Sql): Promise<T[]> {
  return (await db.query<T>(sql.text, sql.params)).rows;
}

async function first<T>(db: Db, sql: Sql): Promise<T | undefined> {
  return (await all<T>(db, sql))[0];
}
