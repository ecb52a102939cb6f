// The outbox dispatcher: every change writes a notification_events row in its
// own transaction (undispatched); this turns those rows into delivery jobs and
// marks them dispatched in ONE transaction (pg-boss's insert takes the
// transaction as its `db`), so an event becomes exactly one job even across a
// crash. Jobs also have ids derived from the event, a second guard. An event
// that pushes nothing becomes no job: a kind that is never pushed, or a user
// with no endpoint at all (a device registered after the event is not owed its
// push, and with no endpoint no delivery record could show a step).
// It runs when an event commits: a trigger on notification_events NOTIFYs
// (migration 5; since migration 12 on a channel of its own, and only for events
// still to dispatch) and the dispatcher LISTENs, so no writer has to remember to
// call it. Passes are coalesced (wake-ups while one runs make one more pass);
// a timer is the safety net for a notification lost (e.g. a dropped listening
// connection), and run() serves start-up and tests.
// Every process of the pipeline runs one (app instances, with or without their
// delivery worker, and `npm run worker`), so events are enqueued while any of
// them is up. Several at once never enqueue an event twice: the batch's rows are
// taken FOR UPDATE, so a second dispatcher waits for the first's commit and then
// finds them dispatched (PostgreSQL re-reads a locked row before returning it);
// and an event's job id is its seq's (jobIdForEvent), inserted ON CONFLICT DO NOTHING.
// The enqueuing transaction also NOTIFYs PUSH_JOBS_CHANNEL: every delivery
// worker, in any process, fetches at once.
import type PgBoss from "pg-boss";
import type { Db } from "../store/db";
import { PUSH_OUTBOX_CHANNEL } from "../store/migrations";
import { PUSHED_EVENT_KINDS, type EventKind } from "../notifications/events";
import { noEndpointSql } from "../notifications/queries";
import { PUSH_JOBS_CHANNEL, PUSH_QUEUE, insertJobs, jobIdForEvent, type PushJobData } from "./queue";

export interface DispatcherOptions {
  /** Events per transaction. Default 500. */
  batchSize?: number;
  /** Safety-net interval. Default 1 s. */
  intervalMs?: number;
  /**
   * The payload of this dispatcher's NOTIFY on PUSH_JOBS_CHANNEL: its own
   * process's worker, which `onEnqueued` wakes at once, knows it by this and
   * does not fetch a second time for it. Default ''.
   */
  origin?: string;
}

export interface Dispatcher {
  /** Dispatches everything undispatched now; resolves when done. */
  run(): Promise<number>;
  /** Events written and not yet dispatched. */
  undispatched(): Promise<number>;
  stop(): Promise<void>;
}

interface UndispatchedEvent {
  seq: string;
  kind: EventKind;
  tenant_id: string;
  user_id: string;
}

/**
 * One statement, in no transaction of its own: takes the oldest undispatched
 * events, marks dispatched those that make no job (the rule events are
 * written by, notifications/queries.ts: a kind never pushed, or a user with no
 * endpoint of any platform; here for events written any other way), and
 * returns the batch with which make one.
 */
const TAKE_BATCH_SQL = `WITH batch AS (
    SELECT e.user_id, e.seq, e.kind, e.tenant_id,
      e.kind = ANY($2::text[]) AND NOT ${noEndpointSql("e.tenant_id", "e.user_id")} AS makes_job
    FROM notification_events e WHERE NOT e.dispatched ORDER BY e.seq LIMIT $1 FOR UPDATE OF e),
  marked AS (
    UPDATE notification_events n SET dispatched = true FROM batch b
    WHERE n.user_id = b.user_id AND n.seq = b.seq AND NOT b.makes_job RETURNING 1)
  SELECT seq::text AS seq, kind, tenant_id, user_id, makes_job FROM batch ORDER BY seq`;

/** One job per event that pushes something (one user's jobs in order, keyed by `tenant|user`). */
function jobFor(e: UndispatchedEvent): PgBoss.JobInsert<PushJobData> {
  return { id: jobIdForEvent(e.seq), name: PUSH_QUEUE, data: { seq: e.seq, user: `${e.tenant_id}|${e.user_id}` } };
}

export async function startDispatcher(db: Db, boss: PgBoss, onEnqueued: () => void, opts: DispatcherOptions = {}): Promise<Dispatcher> {
  const batchSize = opts.batchSize ?? 500;
  const origin = opts.origin ?? "";
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = false;

  /**
   * Dispatches one batch; returns how many events it took and how many jobs
   * they made. Events that make no job are marked in the batch's first
   * statement; those that make one become jobs and are marked in one
   * transaction (taken again FOR UPDATE there: another dispatcher may have
   * taken them meanwhile).
   */
  async function dispatchBatch(): Promise<{ events: number; jobs: number }> {
    const taken = (await db.query<UndispatchedEvent & { makes_job: boolean }>(TAKE_BATCH_SQL, [batchSize, PUSHED_EVENT_KINDS])).rows;
    const owed = taken.filter((e) => e.makes_job).map((e) => e.seq);
    if (owed.length === 0) return { events: taken.length, jobs: 0 };
    const jobs = await db.transaction(async (tx) => {
      const events = (
        await tx.query<UndispatchedEvent>(
          `SELECT seq::text AS seq, kind, tenant_id, user_id FROM notification_events
            WHERE NOT dispatched AND seq = ANY($1::bigint[]) ORDER BY seq FOR UPDATE`,
          [owed],
        )
      ).rows;
      if (events.length === 0) return 0;
      await insertJobs(boss, tx, events.map(jobFor));
      // Marked, and the workers told, in one statement.
      // (NOT dispatched: the partial index that found them finds them again.)
      await tx.query(
        `WITH marked AS (UPDATE notification_events SET dispatched = true WHERE NOT dispatched AND seq = ANY($1::bigint[]) RETURNING 1)
         SELECT pg_notify($2, $3)`,
        [events.map((e) => e.seq), PUSH_JOBS_CHANNEL, origin],
      );
      return events.length;
    });
    return { events: taken.length, jobs };
  }

  /** Jobs enqueued by the pass in progress (its end wakes this process's worker when there are any). */
  let enqueued = 0;

  /** Dispatches batches until one comes back short. */
  async function dispatchAll(): Promise<number> {
    let total = 0;
    let n: { events: number; jobs: number };
    do {
      n = await dispatchBatch();
      total += n.events;
      enqueued += n.jobs;
    } while (n.events === batchSize);
    return total;
  }

  function run(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      enqueued = 0;
      do {
        again = false;
        total += await dispatchAll();
      } while (again && !stopped);
      if (enqueued > 0) onEnqueued();
      return total;
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  /** Dispatches soon (coalesced with a pass in progress): on every committed event and on the timer. */
  function kick(): void {
    if (stopped) return;
    run().catch((err: unknown) => console.error("[push] dispatch failed:", err));
  }

  const unlisten = await db.listen(PUSH_OUTBOX_CHANNEL, kick);
  const timer = setInterval(kick, opts.intervalMs ?? 1000);
  timer.unref();

  return {
    run,
    async undispatched() {
      return (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM notification_events WHERE NOT dispatched")).rows[0]!.n;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await unlisten();
      await running?.catch(() => undefined);
    },
  };
}
