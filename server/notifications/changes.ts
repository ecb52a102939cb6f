// Reading one user's changes by number (delta, the live stream) exactly: the
// reader takes the user's change lock shared (migration 9), so no transaction
// of that user holds a change number it has not committed, and every number
// the user's writers take afterwards is above the sequence value read here.
// Other users' transactions are not waited for: their numbers are not this
// user's business.
import type { Db, Queryable } from "../store/db";
import { USER_CHANGE_LOCK_CLASS } from "../store/migrations";
import type { Owner } from "./queries";
import { currentChangeSeq } from "./service";

const SETTLE_SQL = `SELECT pg_advisory_xact_lock_shared(${USER_CHANGE_LOCK_CLASS}, hashtext($1 || '|' || $2))`;

/**
 * Runs `read` in a transaction holding `owner`'s change lock shared, with
 * `upTo`: the change number up to which this user's changes are all committed
 * and visible (the sequence's value once the lock is held).
 */
export function withSettledChanges<T>(db: Db, owner: Owner, read: (tx: Queryable, upTo: string) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query(SETTLE_SQL, [owner.tenantId, owner.userId]);
    return read(tx, await currentChangeSeq(tx));
  });
}
