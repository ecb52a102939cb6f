// Notification operations: each one runs the store's queries (ownership in
// every statement) and records an event for every state change.
import { randomUUID } from "node:crypto";
import type { Db, Queryable } from "../store/db";
import {
  CURRENT_CHANGE_SEQ_SQL,
  bulkChangeQuery,
  countNotificationsQuery,
  deleteNotificationQuery,
  getNotificationQuery,
  insertEventQuery,
  insertNotificationQuery,
  listNotificationsQuery,
  patchNotificationQuery,
  purgeExpiredQuery,
  unreadCountQuery,
  type BulkChange,
  type ListCriteria,
  type ListQuery,
  type NewNotification,
  type NotificationRow,
  type Owner,
  type StateChange,
} from "./queries";
import { supersededFields, type ConflictField } from "./action-time";
import type { Checked } from "./defaults";
import type { PatchNotification } from "./schemas";
import type { EventKind } from "./events";

export interface Actor {
  kind: "user" | "app";
  id: string;
  endpointId: string | null;
}

/** The user already holds `cap` live notifications: the POST is refused and stores nothing. */
export class InboxFullError extends Error {
  constructor(readonly cap: number) {
    super(`The user's inbox holds the most live notifications allowed (${cap}).`);
    this.name = "InboxFullError";
  }
}

/**
 * Creates (or, for a known appNotificationId, replaces) a notification. With
 * `maxActive`, a write that leaves the user more live notifications than that
 * throws InboxFullError and rolls back: a replacement of a live one never does.
 * The count runs after the insert, which took the user's change lock
 * (migration 9): concurrent POSTs to one user are counted one after another.
 */
export async function createNotification(
  db: Db,
  input: Omit<NewNotification, "id">,
  actor: Actor,
  maxActive?: number,
): Promise<{ row: NotificationRow; inserted: boolean }> {
  return db.transaction(async (tx) => {
    const sql = insertNotificationQuery({ ...input, id: randomUUID() });
    const res = await tx.query<NotificationRow & { inserted: boolean }>(sql.text, sql.params);
    const { inserted, ...row } = res.rows[0]!;
    // The cap is checked by the event's own insert: no event written, over the cap (rolled back).
    const withinCap = maxActive === undefined ? undefined : { cap: maxActive, now: input.now };
    if (!(await event(tx, row, input.now, inserted ? "created" : "updated", actor, undefined, withinCap))) throw new InboxFullError(maxActive!);
    return { row, inserted };
  });
}

export async function listNotifications(db: Queryable, q: ListQuery): Promise<NotificationRow[]> {
  const sql = listNotificationsQuery(q);
  return (await db.query<NotificationRow>(sql.text, sql.params)).rows;
}

export async function countNotifications(db: Queryable, c: ListCriteria): Promise<number> {
  const sql = countNotificationsQuery(c);
  return (await db.query<{ count: number }>(sql.text, sql.params)).rows[0]!.count;
}

/** The unread badge's count: unread, active, unexpired items, read from the user's counter. */
export async function unreadCount(db: Queryable, owner: Owner, now: Date): Promise<number> {
  const sql = unreadCountQuery(owner, now);
  return (await db.query<{ count: number }>(sql.text, sql.params)).rows[0]!.count;
}

export async function getNotification(db: Queryable, owner: Owner, id: string, now: Date): Promise<NotificationRow | undefined> {
  const sql = getNotificationQuery(owner, id, now);
  return (await db.query<NotificationRow>(sql.text, sql.params)).rows[0];
}

export type PatchOutcome =
  | { kind: "notFound" }
  | { kind: "preconditionFailed" }
  | { kind: "invalid"; message: string }
  /** `superseded`: the requested fields kept because another endpoint changed them later (X-Superseded-Fields). */
  | { kind: "unchanged"; row: NotificationRow; superseded: ConflictField[] }
  | { kind: "updated"; row: NotificationRow; superseded: ConflictField[] };

/**
 * The state change a PATCH body asks for: a snooze end must be in the
 * future (and, checked against the row in patchNotification, before expiry);
 * a new userActionState without one clears it.
 */
export function stateChangeFrom(body: PatchNotification, now: Date): Checked<StateChange> {
  let snoozedUntil: Date | null | undefined;
  if (body.userActionState !== undefined) {
    snoozedUntil = body.snoozedUntilDateTime != null ? new Date(body.snoozedUntilDateTime) : null;
    if (snoozedUntil && snoozedUntil.getTime() <= now.getTime()) {
      return { ok: false, message: "snoozedUntilDateTime must be in the future" };
    }
  }
  return { ok: true, value: { readState: body.readState, userActionState: body.userActionState, snoozedUntil } };
}

export interface PatchRequest {
  change: StateChange;
  ifMatch: string | undefined;
  /** The row's ETag (resource.ts's etagger): opaque, so it reveals no change counter. */
  etagOf: (row: Pick<NotificationRow, "id" | "change_seq">) => string;
  actionTime: Date | undefined;
  now: Date;
  actor: Actor;
}

function etagMatches(ifMatch: string, row: NotificationRow, etagOf: PatchRequest["etagOf"]): boolean {
  const current = etagOf(row);
  return ifMatch
    .split(",")
    .map((t) => t.trim())
    .some((t) => t === "*" || t === current || `W/${t}` === current);
}

function changesAnything(row: NotificationRow, c: StateChange): boolean {
  if (c.readState !== undefined && c.readState !== row.read_state) return true;
  if (c.userActionState !== undefined && c.userActionState !== row.action_state) return true;
  if (c.userActionState !== undefined) {
    const next = c.snoozedUntil?.getTime() ?? null;
    if (next !== (row.snoozed_until?.getTime() ?? null)) return true;
  }
  return false;
}

export async function patchNotification(db: Db, owner: Owner, id: string, req: PatchRequest): Promise<PatchOutcome> {
  return db.transaction(async (tx) => {
    const get = getNotificationQuery(owner, id, req.now, true);
    const row = (await tx.query<NotificationRow>(get.text, get.params)).rows[0];
    if (!row) return { kind: "notFound" };
    if (req.ifMatch !== undefined && !etagMatches(req.ifMatch, row, req.etagOf)) return { kind: "preconditionFailed" };
    if (req.change.snoozedUntil && req.change.snoozedUntil.getTime() > row.expiration.getTime()) {
      return { kind: "invalid", message: "snoozedUntilDateTime is after the notification's expirationDateTime" };
    }
    const requested: ConflictField[] = [];
    if (req.change.readState !== undefined) requested.push("readState");
    if (req.change.userActionState !== undefined) requested.push("userActionState");
    const superseded = supersededFields(
      {
        lastModified: row.last_modified,
        lastModifiedEndpoint: row.last_modified_endpoint,
        readStateAt: row.read_state_at ?? null,
        readStateEndpoint: row.read_state_endpoint ?? null,
        actionStateAt: row.action_state_at ?? null,
        actionStateEndpoint: row.action_state_endpoint ?? null,
      },
      requested,
      req.actionTime,
      req.actor.endpointId,
    );
    // The fields changed later elsewhere are kept; the change's other fields still apply.
    const change: StateChange = {
      readState: superseded.includes("readState") ? undefined : req.change.readState,
      ...(superseded.includes("userActionState")
        ? {}
        : { userActionState: req.change.userActionState, snoozedUntil: req.change.snoozedUntil }),
    };
    if (!changesAnything(row, change)) return { kind: "unchanged", row, superseded };
    const sql = patchNotificationQuery(owner, id, change, req.now, req.actor.endpointId);
    const updated = (await tx.query<NotificationRow>(sql.text, sql.params)).rows[0]!;
    await event(tx, updated, req.now, "stateChanged", req.actor, {
      readState: change.readState,
      userActionState: change.userActionState,
      snoozedUntilDateTime: change.snoozedUntil?.toISOString(),
      actionTime: req.actionTime?.toISOString(),
      supersededFields: superseded.length > 0 ? superseded : undefined,
    });
    return { kind: "updated", row: updated, superseded };
  });
}

export async function deleteNotification(db: Db, owner: Owner, id: string, now: Date, actor: Actor): Promise<boolean> {
  return db.transaction(async (tx) => {
    const sql = deleteNotificationQuery(owner, id, now, actor.endpointId);
    const row = (await tx.query<{ id: string }>(sql.text, sql.params)).rows[0];
    if (!row) return false;
    await event(tx, { ...owner, id }, now, "deleted", actor);
    return true;
  });
}

export async function bulkChange(db: Db, b: BulkChange): Promise<number> {
  const sql = bulkChangeQuery(b);
  return (await db.query<{ updated: number }>(sql.text, sql.params)).rows[0]!.updated;
}

async function event(
  tx: Queryable,
  row: { tenant_id?: string; user_id?: string; tenantId?: string; userId?: string; id: string },
  at: Date,
  kind: Exclude<EventKind, "expired" | "woke">,
  actor: Actor,
  detail?: Record<string, unknown>,
  withinCap?: { cap: number; now: Date },
): Promise<boolean> {
  const sql = insertEventQuery({
    tenantId: (row.tenant_id ?? row.tenantId)!,
    userId: (row.user_id ?? row.userId)!,
    notificationId: row.id,
    at,
    kind,
    actorKind: actor.kind,
    actorId: actor.id,
    endpointId: actor.endpointId,
    detail,
  }, withinCap);
  // Written, unless `withinCap` found the user over the cap.
  return (await tx.query(sql.text, sql.params)).affectedRows > 0;
}

export async function purgeExpired(db: Db, now: Date, owner?: Owner): Promise<number> {
  let total = 0;
  // Batches keep each transaction short: PGlite runs one statement at a time.
  for (;;) {
    const sql = purgeExpiredQuery(now, 500, owner);
    const n = (await db.query<{ purged: number }>(sql.text, sql.params)).rows[0]!.purged;
    total += n;
    if (n < 500) return total;
  }
}

export async function currentChangeSeq(db: Queryable): Promise<string> {
  return (await db.query<{ seq: string }>(CURRENT_CHANGE_SEQ_SQL)).rows[0]!.seq;
}

export type { NotificationRow, Owner };
