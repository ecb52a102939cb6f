// Snoozed items return to noInteraction the moment their time passes, not at
// the next maintenance tick: before serving a read the service checks the
// earliest pending snooze (kept in memory, so the check is free) and wakes
// every due item in one statement when it has passed. One process owns the
// store (PGlite), so the in-memory bound cannot go stale behind its back.
import type { Db } from "../store/db";
import { wakeSnoozedQuery } from "../store/notification-queries";

export interface SnoozeWaker {
  /** Wakes all items whose snooze has passed, if any can have. */
  wakeIfDue(now: Date): Promise<void>;
  /** Records a new snooze end, so the next check knows about it. */
  note(until: Date): void;
}

export const NEXT_SNOOZE_END_SQL = `SELECT min(snoozed_until) AS next FROM notifications
  WHERE action_state = 'snoozed' AND status = 'active'`;

export function createSnoozeWaker(db: Db): SnoozeWaker {
  // undefined: not known yet; null: nothing snoozed.
  let next: number | null | undefined;
  let running: Promise<void> | undefined;

  async function load(): Promise<number | null> {
    const { rows } = await db.query<{ next: Date | null }>(NEXT_SNOOZE_END_SQL);
    return rows[0]?.next?.getTime() ?? null;
  }

  return {
    async wakeIfDue(now) {
      if (next === undefined) next = await load();
      if (next === null || now.getTime() < next) return;
      running ??= (async () => {
        const sql = wakeSnoozedQuery(now);
        await db.query(sql.text, sql.params);
        next = await load();
      })().finally(() => {
        running = undefined;
      });
      await running;
    },
    note(until) {
      if (next === undefined) return;
      next = next === null ? until.getTime() : Math.min(next, until.getTime());
    },
  };
}
