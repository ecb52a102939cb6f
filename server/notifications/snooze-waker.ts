// Snoozed items return to noInteraction the moment their time passes, not at
// the next maintenance tick: before serving a read the service checks the
// earliest pending snooze (kept in memory, so the check is free) and wakes
// every due item in one statement when it has passed. One process owns the
// store (PGlite), so the in-memory bound cannot go stale behind its back.
// A timer armed for that earliest end does the same when nobody reads, so the
// item is pushed to the user's endpoints again on time (the wake-up writes
// 'woke' events, which wake the push outbox when they commit).
import type { Db } from "../store/db";
import { wakeSnoozedQuery } from "./queries";

export interface SnoozeWaker {
  /** Wakes all items whose snooze has passed, if any can have. */
  wakeIfDue(now: Date): Promise<void>;
  /** Records a new snooze end, so the next check (and the timer) knows about it. */
  note(until: Date): void;
  /** Stops the timer. */
  stop(): void;
}

export interface SnoozeWakerOptions {
  /** The service's clock. */
  now?: () => Date;
}

export const NEXT_SNOOZE_END_SQL = `SELECT min(snoozed_until) AS next FROM notifications
  WHERE action_state = 'snoozed' AND status = 'active'`;

/** setTimeout's ceiling (about 24.8 days); a later snooze end re-arms when this fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function createSnoozeWaker(db: Db, opts: SnoozeWakerOptions = {}): SnoozeWaker {
  const clock = opts.now ?? (() => new Date());
  // undefined: not known yet; null: nothing snoozed.
  let next: number | null | undefined;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let timerAt: number | undefined;
  let stopped = false;

  async function load(): Promise<number | null> {
    const { rows } = await db.query<{ next: Date | null }>(NEXT_SNOOZE_END_SQL);
    return rows[0]?.next?.getTime() ?? null;
  }

  function arm(): void {
    if (stopped || next === undefined || next === null) return;
    if (timer && timerAt !== undefined && timerAt <= next) return;
    if (timer) clearTimeout(timer);
    timerAt = next;
    timer = setTimeout(
      () => {
        timer = undefined;
        timerAt = undefined;
        waker.wakeIfDue(clock()).then(arm, (err: unknown) => console.error("[service] snooze wake-up failed:", err));
      },
      Math.min(MAX_TIMER_MS, Math.max(0, next - clock().getTime())),
    );
    // Never keeps a process (or a test runner) alive.
    timer.unref();
  }

  const waker: SnoozeWaker = {
    async wakeIfDue(now) {
      if (next === undefined) {
        next = await load();
        arm();
      }
      if (next === null || now.getTime() < next) return;
      running ??= (async () => {
        const sql = wakeSnoozedQuery(now);
        await db.query(sql.text, sql.params);
        next = await load();
        arm();
      })().finally(() => {
        running = undefined;
      });
      await running;
    },
    note(until) {
      if (next === undefined) return;
      next = next === null ? until.getTime() : Math.min(next, until.getTime());
      arm();
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
  return waker;
}
