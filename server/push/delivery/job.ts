// One delivery job: one notification event fanned out to the user's endpoints.
// The payload is built from the notification's CURRENT row (a late job never
// shows a stale state), each endpoint's result is recorded (so a rerun after a
// crash skips settled endpoints), and failures that may pass (429, 5xx, no
// answer) go into one retry job for exactly those endpoints.
import { isStatePush, type PushKind } from "../../../contracts/push-payload";
import { removeEndpoints } from "../../endpoints/service";
import type { Db, Queryable } from "../../store/db";
import {
  deliveryTargetsQuery,
  eventBySeqQuery,
  noteLastDeliveryQuery,
  pushedNotificationQuery,
  recordDeliveriesQuery,
  settledSinceQuery,
  skipRetriesQuery,
  unreadCountQuery,
  type DeliveryEvent,
  type DeliveryResult,
  type EventRow,
  type PushedNotificationRow,
  type TargetRow,
} from "../queries";
import type { ActionClaims } from "../action-token";
import { pushKindOf } from "../../notifications/events";
import { MAX_PAYLOAD_BYTES, MAX_SETTLED_IDS, buildPushPayload } from "../send/payload";
import { pushHeadersFor } from "../send/headers";
import type { PushServiceRules } from "../push-services";
import type { PushJobData } from "../queue";
import type { PushSender, SendOutcome } from "../send/sender";

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
  sender: PushSender;
  rules: PushServiceRules;
  mintActionToken: (c: ActionClaims) => string;
  now: () => Date;
  /** Enqueues the retry job inside the transaction that marks its endpoints retrying. */
  enqueueRetry: (tx: Queryable, data: PushJobData, startAfter: Date) => Promise<void>;
  options?: DeliveryOptions;
}

export interface DeliverySummary {
  targets: number;
  delivered: number;
  gone: number;
  failed: number;
  retrying: number;
}

const EMPTY: DeliverySummary = { targets: 0, delivered: 0, gone: 0, failed: 0, retrying: 0 };
/** 413 from the push service: the payload is rebuilt within these budgets in turn. */
const SHRINKING_BUDGETS = [MAX_PAYLOAD_BYTES, 1500, 750] as const;

/** Whether an event still deserves a display push, given the item's current state. */
export function isDisplayable(row: PushedNotificationRow, eventKind: string, now: Date): boolean {
  if (row.status !== "active" || row.expiration.getTime() <= now.getTime()) return false;
  // Its displayTimeToLive has run out: the OS notification may no longer be shown (TTL would be 0).
  if (row.display_until !== null && row.display_until.getTime() <= now.getTime()) return false;
  if (row.action_state === "dismissed" || row.action_state === "snoozed") return false;
  // Read elsewhere before the push went out: showing it would be spurious.
  // A snooze ending shows the item again even if it had been read.
  return row.read_state === "unread" || eventKind === "woke";
}

export interface TargetChoice {
  /** Endpoints that get this push. */
  send: TargetRow[];
  /** Endpoints skipped by the rule (display-only push service for a state push). */
  skipped: number;
  /** Of `send`, those on a display-only push service (they are reconciled through settledIds). */
  displayOnly: TargetRow[];
}

/**
 * The per-push-service rule (push-services.ts) applied to one push: display
 * pushes go to every allowed endpoint; state pushes only to endpoints whose
 * push service accepts pushes that show nothing AND that were shown this
 * notification. Refused (no longer allowed) endpoints never get anything.
 */
export function chooseTargets(kind: PushKind, targets: readonly TargetRow[], rules: PushServiceRules): TargetChoice {
  const send: TargetRow[] = [];
  const displayOnly: TargetRow[] = [];
  let skipped = 0;
  for (const t of targets) {
    const rule = rules.check(t.push_endpoint);
    if (!rule.allowed) {
      skipped++;
      continue;
    }
    if (isStatePush(kind) && (!rule.statePushes || !t.displayed)) {
      skipped++;
      continue;
    }
    send.push(t);
    if (!rule.statePushes) displayOnly.push(t);
  }
  return { send, skipped, displayOnly };
}

/**
 * Delay before a retry: exponential backoff with jitter (half to full of
 * base·2^(attempt-1)), never earlier than the push service's Retry-After
 * (seconds or an HTTP-date), capped at `maxMs`.
 */
export function retryDelayMs(attempt: number, retryAfter: string | undefined, now: Date, baseMs: number, maxMs: number, random = Math.random): number {
  const exp = baseMs * 2 ** Math.max(0, attempt - 1);
  let delay = exp / 2 + (exp / 2) * random();
  if (retryAfter !== undefined) {
    const trimmed = retryAfter.trim();
    let asked: number | undefined;
    if (/^\d+$/.test(trimmed)) asked = Number(trimmed) * 1000;
    else {
      const at = Date.parse(trimmed);
      if (!Number.isNaN(at)) asked = at - now.getTime();
    }
    if (asked !== undefined) delay = Math.max(delay, asked);
  }
  return Math.min(Math.max(0, Math.ceil(delay)), maxMs);
}

type Verdict = "delivered" | "gone" | "retry" | "failed";

function verdictOf(outcome: SendOutcome): Verdict {
  const s = outcome.status;
  if (s >= 200 && s < 300) return "delivered";
  if (s === 404 || s === 410) return "gone";
  if (s === 0 || s === 429 || s >= 500) return "retry";
  return "failed";
}

/** Records results for the event and as their endpoints' last delivery (in the caller's transaction). */
async function recordResults(tx: Queryable, ev: DeliveryEvent, rows: readonly DeliveryResult[]): Promise<void> {
  const record = recordDeliveriesQuery(ev, rows);
  await tx.query(record.text, record.params);
  const note = noteLastDeliveryQuery(ev, rows);
  await tx.query(note.text, note.params);
}

/** Writes results in multi-row statements: per `batch` results or after `flushMs`, whichever first. */
function createResultWriter(db: Db, ev: DeliveryEvent, batch: number, flushMs: number) {
  let pending: DeliveryResult[] = [];
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    chain = chain.then(async () => {
      try {
        await db.transaction((tx) => recordResults(tx, ev, rows));
      } catch (err) {
        failure ??= err;
      }
    });
  };

  return {
    add(r: DeliveryResult) {
      pending.push(r);
      if (pending.length >= batch) flush();
      else timer ??= setTimeout(flush, flushMs);
    },
    async close() {
      flush();
      await chain;
      if (failure) throw failure;
    },
  };
}

/** Runs one job. Throws only when the store fails (pg-boss then retries the job; the rerun skips settled endpoints). */
export async function deliverJob(deps: DeliveryDeps, job: PushJobData): Promise<DeliverySummary> {
  const o = deps.options ?? {};
  const concurrency = o.concurrency ?? 128;
  const maxAttempts = o.maxAttempts ?? 5;
  const { db } = deps;
  const now = deps.now();

  const evSql = eventBySeqQuery(job.seq);
  const event = (await db.query<EventRow>(evSql.text, evSql.params)).rows[0];
  if (!event) return EMPTY; // pruned by retention: nothing left to say
  const kind = pushKindOf(event.kind);
  if (!kind) return EMPTY;
  const owner = { tenantId: event.tenant_id, userId: event.user_id };
  /** Nothing to send (any more): a retry job settles the endpoints it carried. */
  const nothing = async (): Promise<DeliverySummary> => {
    if (job.endpointIds && job.endpointIds.length > 0) {
      const sql = skipRetriesQuery(job.seq, owner, job.endpointIds, deps.now());
      await db.query(sql.text, sql.params);
    }
    return EMPTY;
  };
  const rowSql = pushedNotificationQuery(owner, event.notification_id);
  const row = (await db.query<PushedNotificationRow>(rowSql.text, rowSql.params)).rows[0];
  if (!row) return nothing(); // expired and purged: the app learns it from delta
  if (!row.platform_types.some((p) => p.toLowerCase() === "webpush")) return nothing();
  const state = isStatePush(kind);
  if (!state && !isDisplayable(row, event.kind, now)) return nothing();

  const targetsSql = deliveryTargetsQuery({
    ...owner,
    seq: job.seq,
    notificationId: row.id,
    actingEndpointId: event.endpoint_id,
    now,
    retryEndpointIds: job.endpointIds ?? null,
    onlyDisplayed: state,
  });
  const candidates = (await db.query<TargetRow>(targetsSql.text, targetsSql.params)).rows;
  const { send: targets, displayOnly } = chooseTargets(kind, candidates, deps.rules);
  if (targets.length === 0) return nothing();

  const countSql = unreadCountQuery(owner, now);
  const unreadCount = (await db.query<{ count: number }>(countSql.text, countSql.params)).rows[0]!.count;

  // Reconcile for display-only push services: what was settled since each one's last delivery.
  const settledFor = new Map<string, string[]>();
  if (!state && displayOnly.length > 0) {
    const since = new Date(Math.min(...displayOnly.map((t) => t.settled_since.getTime())));
    const sql = settledSinceQuery(owner, since, row.id, 200);
    const settled = (await db.query<{ id: string; at: Date }>(sql.text, sql.params)).rows;
    for (const t of displayOnly) {
      const ids = settled.filter((s) => s.at.getTime() > t.settled_since.getTime()).map((s) => s.id);
      if (ids.length > 0) settledFor.set(t.id, ids.slice(0, MAX_SETTLED_IDS));
    }
  }

  const headers = pushHeadersFor({
    kind,
    priority: row.priority,
    notificationId: row.id,
    expiration: row.expiration,
    displayUntil: row.display_until,
    now,
  });
  const deliveryEvent: DeliveryEvent = { ...owner, seq: job.seq, notificationId: row.id, kind };
  const writer = createResultWriter(db, deliveryEvent, o.resultBatch ?? 200, o.resultFlushMs ?? 20);
  const gone: string[] = [];
  const retry: { target: TargetRow; attempts: number; outcome: SendOutcome }[] = [];
  const summary: DeliverySummary = { ...EMPTY, targets: targets.length };

  async function sendOne(t: TargetRow): Promise<void> {
    const attempts = t.attempts + 1;
    const actionToken = state
      ? undefined
      : deps.mintActionToken({ ...owner, notificationId: row!.id, endpointId: t.id, expiresAt: row!.expiration });
    let outcome: SendOutcome = { status: 0 };
    for (const budget of SHRINKING_BUDGETS) {
      let payload: ReturnType<typeof buildPushPayload>;
      try {
        payload = buildPushPayload({ kind: kind!, row: row!, unreadCount, actionToken, settledIds: settledFor.get(t.id) }, budget);
      } catch (err) {
        // Cannot be trimmed this far (a title of escaped characters): recorded as too large, not retried.
        outcome = { status: 413, error: (err as Error).message };
        break;
      }
      outcome = await deps.sender.send({ endpoint: t.push_endpoint, p256dh: t.p256dh, auth: t.auth }, payload.json, headers);
      // 413: too large for this push service; trimmed further and resent at once.
      if (outcome.status !== 413) break;
    }
    const verdict = verdictOf(outcome);
    const at = deps.now();
    const statusCode = outcome.status === 0 ? null : outcome.status;
    if (verdict === "delivered") {
      summary.delivered++;
      writer.add({ endpointId: t.id, status: "delivered", statusCode, attempts, at });
    } else if (verdict === "gone") {
      summary.gone++;
      gone.push(t.id);
    } else if (verdict === "retry" && attempts < maxAttempts) {
      summary.retrying++;
      retry.push({ target: t, attempts, outcome });
    } else {
      summary.failed++;
      if (outcome.error) console.warn(`[push] endpoint ${t.id} failed for event ${job.seq}: ${outcome.error}`);
      writer.add({ endpointId: t.id, status: "failed", statusCode, attempts, at });
    }
  }

  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, targets.length) }, async () => {
    while (next < targets.length) {
      const t = targets[next++]!;
      await sendOne(t);
    }
  });
  await Promise.all(lanes);
  await writer.close();

  // A push service said the subscription is gone (404/410): the endpoint and its delivery history go.
  if (gone.length > 0) await db.transaction((tx) => removeEndpoints(tx, owner, gone));
  if (retry.length > 0) {
    const at = deps.now();
    // One retry job per push service: its Retry-After (and backoff) delays only its own endpoints.
    const byOrigin = new Map<string, typeof retry>();
    for (const r of retry) {
      const origin = deps.rules.check(r.target.push_endpoint).origin;
      const group = byOrigin.get(origin);
      if (group) group.push(r);
      else byOrigin.set(origin, [r]);
    }
    const rows: DeliveryResult[] = retry.map((r) => ({
      endpointId: r.target.id,
      status: "retrying",
      statusCode: r.outcome.status === 0 ? null : r.outcome.status,
      attempts: r.attempts,
      at,
    }));
    // The retrying marks and the retry jobs commit together: a crash leaves all or none.
    await db.transaction(async (tx) => {
      await recordResults(tx, deliveryEvent, rows);
      for (const group of byOrigin.values()) {
        const delays = group.map((r) =>
          retryDelayMs(r.attempts, r.outcome.retryAfter, at, o.backoffBaseMs ?? 1000, o.backoffMaxMs ?? 600_000),
        );
        await deps.enqueueRetry(
          tx,
          {
            seq: job.seq,
            ...(job.user !== undefined ? { user: job.user } : {}),
            endpointIds: group.map((r) => r.target.id),
          },
          new Date(at.getTime() + Math.max(...delays)),
        );
      }
    });
  }
  return summary;
}
