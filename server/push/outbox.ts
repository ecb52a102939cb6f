// The outbox dispatcher: every change writes a notification_events row in its
// own transaction (undispatched); this turns those rows into delivery jobs and
// marks them dispatched in ONE transaction (pg-boss's insert takes the
// transaction as its `db`), so an event becomes exactly one job even across a
// crash. Jobs also have ids derived from the event, a second guard.
// It runs at start, on kick() (coalesced: many kicks while running make one
// more pass) and on a timer as a safety net for writes that did not kick.
import type PgBoss from "pg-boss";
import type { Db } from "../store/db";
import { pushKindOf, type EventKind } from "../notifications/events";
import { markDispatchedQuery, undispatchedEventsQuery } from "./queries";
import { PUSH_QUEUE, jobIdForEvent, pgBossDb, type PushJobData } from "./queue";

export interface DispatcherOptions {
  /** Events per transaction. Default 500. */
  batchSize?: number;
  /** Safety-net interval. Default 1 s. */
  intervalMs?: number;
}

export interface Dispatcher {
  /** Dispatches soon (coalesced with a pass in progress). */
  kick(): void;
  /** Dispatches everything undispatched now; resolves when done. */
  run(): Promise<number>;
  stop(): Promise<void>;
}

export function createDispatcher(db: Db, boss: PgBoss, onEnqueued: () => void, opts: DispatcherOptions = {}): Dispatcher {
  const batchSize = opts.batchSize ?? 500;
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = false;

  async function passOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await db.transaction(async (tx) => {
        const sql = undispatchedEventsQuery(batchSize);
        const rows = (await tx.query<{ seq: string; kind: EventKind; tenant_id: string; user_id: string }>(sql.text, sql.params))
          .rows;
        if (rows.length === 0) return 0;
        const jobs: PgBoss.JobInsert<PushJobData>[] = rows
          .filter((r) => pushKindOf(r.kind) !== undefined)
          .map((r) => ({
            id: jobIdForEvent(r.seq),
            name: PUSH_QUEUE,
            data: { seq: r.seq, user: `${r.tenant_id}|${r.user_id}` },
          }));
        if (jobs.length > 0) await boss.insert(jobs, { db: pgBossDb(tx) });
        const mark = markDispatchedQuery(rows.map((r) => r.seq));
        await tx.query(mark.text, mark.params);
        return rows.length;
      });
      total += n;
      if (n < batchSize) return total;
    }
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
        total += await passOnce();
      } while (again && !stopped);
      if (total > 0) onEnqueued();
      return total;
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  const timer = setInterval(() => {
    if (!stopped) run().catch((err: unknown) => console.error("[push] dispatch failed:", err));
  }, opts.intervalMs ?? 1000);
  timer.unref();

  return {
    kick() {
      if (stopped) return;
      run().catch((err: unknown) => console.error("[push] dispatch failed:", err));
    },
    run,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
