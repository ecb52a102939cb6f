// What a push service's answer means for an endpoint, and how it is recorded:
// per event and endpoint in push_deliveries (a rerun after a crash skips the
// endpoints answered), and as the endpoint's last delivery (the settings view).
// Results are written in multi-row statements, batched while the fan-out goes
// on, because PGlite runs one statement at a time. A subscription the push
// service says is gone (404/410) is removed with its delivery history.
// Statements that touch a user's rows name tenant_id and user_id.
import type { PushKind } from "../../../contracts/push-payload";
import type { DeliveryStepKind, SkipReason } from "../../../contracts/support";
import { removeEndpoints } from "../../endpoints/service";
import type { Owner } from "../../notifications/queries";
import type { Db, Queryable, Sql } from "../../store/db";
import type { SendOutcome } from "../send/sender";
import type { TargetRow } from "./queries";

/** `skipped`: a retry found the push no longer needed (the item was read, dismissed or deleted meanwhile). */
export type DeliveryStatus = "delivered" | "retrying" | "failed" | "gone" | "skipped";

export interface DeliveryResult {
  endpointId: string;
  status: DeliveryStatus;
  statusCode: number | null;
  attempts: number;
  at: Date;
  /** In words, when there was no HTTP answer (retrying, failed), or a SkipReason (skipped). */
  reason?: string | null;
  /** Retrying: when the next attempt is due. */
  nextAt?: Date | null;
}

/** The delivery record's step (contracts/support.ts) for each status the job records. */
const STEP_OF: Record<DeliveryStatus, DeliveryStepKind> = {
  delivered: "sent",
  retrying: "retrying",
  failed: "failed",
  gone: "subscriptionRemoved",
  skipped: "skipped",
};

/** A step to append: a result, or (endpointId null) a push owed to nobody. */
type StepRow = Omit<DeliveryResult, "endpointId"> & { endpointId: string | null };

/** Appends the results as steps of the delivery record support reads (delivery_steps). */
function recordStepsQuery(ev: DeliveryEvent, results: readonly StepRow[]): Sql {
  return {
    text: `INSERT INTO delivery_steps (tenant_id, user_id, notification_id, endpoint_id, event_seq, push_kind, step, at,
        status_code, attempts, reason, next_at)
      SELECT $1, $2, $3, r.endpoint_id, $4, $5, r.step, r.at, r.status_code, r.attempts, r.reason, r.next_at
      FROM unnest($6::uuid[], $7::text[], $8::timestamptz[], $9::int[], $10::int[], $11::text[], $12::timestamptz[])
        AS r(endpoint_id, step, at, status_code, attempts, reason, next_at)`,
    params: [
      ev.tenantId,
      ev.userId,
      ev.notificationId,
      ev.seq,
      ev.kind,
      results.map((r) => r.endpointId),
      results.map((r) => STEP_OF[r.status]),
      results.map((r) => r.at),
      results.map((r) => r.statusCode),
      results.map((r) => r.attempts),
      results.map((r) => r.reason ?? null),
      results.map((r) => r.nextAt ?? null),
    ],
  };
}

/** The push the results are for. */
export interface DeliveryEvent extends Owner {
  seq: string;
  notificationId: string;
  /** The payload kind sent. */
  kind: PushKind;
}

export interface DeliverySummary {
  targets: number;
  delivered: number;
  gone: number;
  failed: number;
  retrying: number;
}

export const EMPTY_SUMMARY: Readonly<DeliverySummary> = { targets: 0, delivered: 0, gone: 0, failed: 0, retrying: 0 };

/** An endpoint whose answer may pass (429, 5xx, no answer), with attempts left. */
export interface PendingRetry {
  target: TargetRow;
  attempts: number;
  outcome: SendOutcome;
}

type Verdict = "delivered" | "gone" | "retry" | "failed";

/** 2xx delivered; 404/410 gone; 429, 5xx and no answer retried while attempts are left; anything else failed. */
function verdictOf(outcome: SendOutcome, attempts: number, maxAttempts: number): Verdict {
  const s = outcome.status;
  if (s >= 200 && s < 300) return "delivered";
  if (s === 404 || s === 410) return "gone";
  if ((s === 0 || s === 429 || s >= 500) && attempts < maxAttempts) return "retry";
  return "failed";
}

/** Records many endpoints' results for one event in one statement. */
function recordDeliveriesQuery(ev: DeliveryEvent, results: readonly DeliveryResult[]): Sql {
  return {
    text: `INSERT INTO push_deliveries (event_seq, endpoint_id, tenant_id, user_id, notification_id, kind, status,
        status_code, attempts, at)
      SELECT $1, r.endpoint_id, $2, $3, $4, $5, r.status, r.status_code, r.attempts, r.at
      FROM unnest($6::uuid[], $7::text[], $8::int[], $9::int[], $10::timestamptz[])
        AS r(endpoint_id, status, status_code, attempts, at)
      ON CONFLICT (user_id, event_seq, endpoint_id) DO UPDATE SET status = EXCLUDED.status,
        status_code = EXCLUDED.status_code, attempts = EXCLUDED.attempts, at = EXCLUDED.at`,
    params: [
      ev.seq,
      ev.tenantId,
      ev.userId,
      ev.notificationId,
      ev.kind,
      results.map((r) => r.endpointId),
      results.map((r) => r.status),
      results.map((r) => r.statusCode),
      results.map((r) => r.attempts),
      results.map((r) => r.at),
    ],
  };
}

/** How stale an unchanged "last delivery" time may get before it is rewritten. */
const LAST_DELIVERY_RESOLUTION_SECONDS = 60;

/**
 * Each endpoint's last delivery (what the settings view shows), for many
 * endpoints at once. A row whose result and status are unchanged is rewritten
 * at most once a minute: a burst of pushes to the same endpoints would
 * otherwise rewrite every endpoint row per push (PGlite has no autovacuum to
 * clean up after that). A changed result is always written.
 */
function noteLastDeliveryQuery(o: Owner, results: readonly DeliveryResult[]): Sql {
  return {
    text: `UPDATE endpoints e SET last_delivery_at = r.at, last_delivery_result = r.status,
        last_delivery_status = r.status_code
      FROM unnest($3::uuid[], $4::text[], $5::int[], $6::timestamptz[]) AS r(id, status, status_code, at)
      WHERE e.id = r.id AND e.tenant_id = $1 AND e.user_id = $2
        AND (e.last_delivery_result IS DISTINCT FROM r.status OR e.last_delivery_status IS DISTINCT FROM r.status_code
             OR e.last_delivery_at IS NULL OR e.last_delivery_at < r.at - interval '${LAST_DELIVERY_RESOLUTION_SECONDS} seconds')`,
    params: [
      o.tenantId,
      o.userId,
      results.map((r) => r.endpointId),
      results.map((r) => r.status),
      results.map((r) => r.statusCode),
      results.map((r) => r.at),
    ],
  };
}

/** Records results for the event, as steps of its delivery record, and as their endpoints' last delivery (in the caller's transaction). */
export async function recordResults(tx: Queryable, ev: DeliveryEvent, rows: readonly DeliveryResult[]): Promise<void> {
  const record = recordDeliveriesQuery(ev, rows);
  await tx.query(record.text, record.params);
  const steps = recordStepsQuery(ev, rows);
  await tx.query(steps.text, steps.params);
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

export interface ResultRecorderOptions {
  maxAttempts: number;
  /** Results written per statement. */
  batch: number;
  /** A partial batch is written after this long. */
  flushMs: number;
  /** Told of each send's result with its endpoint (the process's metrics). */
  onResult?: DeliveryResultHook;
}

/** Told of each send's result, with the endpoint (push service URL) it went to. */
export type DeliveryResultHook = (endpoint: string, result: Exclude<DeliveryStatus, "skipped">) => void;

/**
 * Takes each endpoint's answer as it comes: delivered and failed ones are
 * written in batches; gone endpoints are removed and retryable ones handed
 * back (for retry.ts) when the fan-out is done.
 */
export function createResultRecorder(db: Db, ev: DeliveryEvent, targets: number, o: ResultRecorderOptions) {
  const writer = createResultWriter(db, ev, o.batch, o.flushMs);
  const summary: DeliverySummary = { ...EMPTY_SUMMARY, targets };
  const gone: DeliveryResult[] = [];
  const retries: PendingRetry[] = [];

  return {
    note(target: TargetRow, attempts: number, outcome: SendOutcome, at: Date): void {
      const statusCode = outcome.status === 0 ? null : outcome.status;
      const verdict = verdictOf(outcome, attempts, o.maxAttempts);
      o.onResult?.(target.push_endpoint, verdict === "retry" ? "retrying" : verdict);
      switch (verdict) {
        case "delivered":
          summary.delivered++;
          writer.add({ endpointId: target.id, status: "delivered", statusCode, attempts, at });
          break;
        case "gone":
          summary.gone++;
          gone.push({ endpointId: target.id, status: "gone", statusCode, attempts, at });
          break;
        case "retry":
          summary.retrying++;
          retries.push({ target, attempts, outcome });
          break;
        case "failed":
          summary.failed++;
          if (outcome.error) console.warn(`[push] endpoint ${target.id} failed for event ${ev.seq}: ${outcome.error}`);
          writer.add({ endpointId: target.id, status: "failed", statusCode, attempts, at, reason: outcome.error ?? null });
      }
    },
    /** Writes what is pending and removes the gone endpoints (their record keeps the removal as its last step). */
    async finish(): Promise<{ summary: DeliverySummary; retries: PendingRetry[] }> {
      await writer.close();
      if (gone.length > 0) {
        await db.transaction(async (tx) => {
          const steps = recordStepsQuery(ev, gone);
          await tx.query(steps.text, steps.params);
          await removeEndpoints(tx, ev, gone.map((g) => g.endpointId), "gone", gone[0]!.at);
        });
      }
      return { summary, retries };
    },
  };
}

/**
 * A retry job's endpoints, settled without a send: the push is no longer owed
 * (`reason`, a SkipReason). Each is recorded as a skipped step.
 */
export async function skipRetries(db: Db, ev: DeliveryEvent, endpointIds: readonly string[], reason: SkipReason, at: Date): Promise<void> {
  if (endpointIds.length === 0) return;
  await db.transaction(async (tx) => {
    const skipped = await tx.query<{ endpoint_id: string; attempts: number }>(
      `UPDATE push_deliveries SET status = 'skipped', at = $5
        WHERE event_seq = $1 AND tenant_id = $2 AND user_id = $3 AND endpoint_id = ANY($4::uuid[]) AND status = 'retrying'
        RETURNING endpoint_id::text AS endpoint_id, attempts`,
      [ev.seq, ev.tenantId, ev.userId, endpointIds, at],
    );
    if (skipped.rows.length === 0) return;
    const steps = recordStepsQuery(
      ev,
      skipped.rows.map((r) => ({ endpointId: r.endpoint_id, status: "skipped", statusCode: null, attempts: r.attempts, at, reason })),
    );
    await tx.query(steps.text, steps.params);
  });
}

/** Endpoints the rule kept this push from (`reason`), on their delivery record only. */
export async function recordSkipped(db: Queryable, ev: DeliveryEvent, endpointIds: readonly string[], reason: SkipReason, at: Date): Promise<void> {
  const steps = recordStepsQuery(ev, endpointIds.map((endpointId) => ({ endpointId, status: "skipped", statusCode: null, attempts: 0, at, reason })));
  await db.query(steps.text, steps.params);
}

/**
 * A display push owed to nobody (`reason`, a SkipReason: the target policy,
 * the display window, settled before it went out): one step without an
 * endpoint, which the delivery record applies to every endpoint.
 */
export async function recordNotOwed(db: Queryable, ev: DeliveryEvent, reason: SkipReason, at: Date): Promise<void> {
  const steps = recordStepsQuery(ev, [{ endpointId: null, status: "skipped", statusCode: null, attempts: 0, at, reason }]);
  await db.query(steps.text, steps.params);
}

/** Delivery rows older than the events' retention go with them. */
export async function purgeDeliveries(db: Queryable, cutoff: Date): Promise<void> {
  await db.query("DELETE FROM push_deliveries WHERE at < $1", [cutoff]);
  await db.query("DELETE FROM delivery_steps WHERE at < $1", [cutoff]);
  await db.query("DELETE FROM removed_endpoints WHERE removed_at < $1", [cutoff]);
}
