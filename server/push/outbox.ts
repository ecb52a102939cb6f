// The outbox dispatcher: every change writes a notification_events row in its
// own transaction (undispatched); this turns those rows into delivery jobs and
// marks them dispatched in ONE transaction (pg-boss's insert takes the
// transaction as its `db`), so an event becomes exactly one job even across a
// crash. Jobs also have ids derived from the event, a second guard.
// It runs when an event commits: a trigger on notification_events NOTIFYs
// (migration 5) and the dispatcher LISTENs, so no writer has to remember to
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
import { NOTIFICATION_EVENTS_CHANNEL } from "../store/migrations";
import { pushKindOf, type EventKind } from "../notifications/events";
import { PUSH_JOBS_CHANNEL, PUSH_QUEUE, insertJobs, jobIdForEvent, type PushJobData } from "./queue";

export interface DispatcherOptions {
  /** Events per transaction. Default 500. */
  batchSize?: number;
  /** Safety-net interval. Default 1 s. */
  intervalMs?: number;
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

/** One job per event that pushes something (one user's jobs in order, keyed by `tenant|user`). */
function jobFor(e: UndispatchedEvent): PgBoss.JobInsert<PushJobData> {
  return { id: jobIdForEvent(e.seq), name: PUSH_QUEUE, data: { seq: e.seq, user: `${e.tenant_id}|${e.user_id}` } };
}

export async function startDispatcher(db: Db, boss: PgBoss, onEnqueued: () => void, opts: DispatcherOptions = {}): Promise<Dispatcher> {
  const batchSize = opts.batchSize ?? 500;
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = false;

  /** Dispatches one batch in one transaction; returns how many events it took. */
  function dispatchBatch(): Promise<number> {
    return db.transaction(async (tx) => {
      const events = (
        await tx.query<UndispatchedEvent>(
          `SELECT seq::text AS seq, kind, tenant_id, user_id FROM notification_events
            WHERE NOT dispatched ORDER BY seq LIMIT $1 FOR UPDATE`,
          [batchSize],
        )
      ).rows;
      if (events.length === 0) return 0;
      const jobs = events.filter((e) => pushKindOf(e.kind) !== undefined).map(jobFor);
      await insertJobs(boss, tx, jobs);
      if (jobs.length > 0) await tx.query("SELECT pg_notify($1, '')", [PUSH_JOBS_CHANNEL]);
      // (NOT dispatched: the partial index that found them finds them again.)
      await tx.query("UPDATE notification_events SET dispatched = true WHERE NOT dispatched AND seq = ANY($1::bigint[])", [
        events.map((e) => e.seq),
      ]);
      return events.length;
    });
  }

  /** Dispatches batches until one comes back short. */
  async function dispatchAll(): Promise<number> {
    let total = 0;
    let n: number;
    do {
      n = await dispatchBatch();
      total += n;
    } while (n === batchSize);
    return total;
  }

  function run(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        total += await dispatchAll();
      } while (again && !stopped);
      if (total > 0) onEnqueued();
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

  const unlisten = await db.listen(NOTIFICATION_EVENTS_CHANNEL, kick);
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
