// Support's reads of a user's data, the event log, the access log and the
// devices' receipts. Each read takes the store or the transaction it runs in:
// support reads run inside the one that appends their access log entry.
import { randomUUID } from "node:crypto";
import type { PushKind } from "../../contracts/push-payload";
import type {
  AccessLogEntry,
  DirectoryUser,
  EventActor,
  EventLogKind,
  NotificationEventEntry,
  UserSummary,
  DeliveryRecord,
  DeliveryStepKind,
} from "../../contracts/support";
import { unreadCount } from "../notifications/service";
import { NOTIFICATION_COLUMNS, findUserByUpnQuery, type NotificationRow, type Owner } from "../notifications/queries";
import type { Queryable } from "../store/db";
import { buildDeliveryRecords, toDeliveryEndpoint } from "./deliveries";
import {
  accessLogQuery,
  activeEndpointCountQuery,
  anyNotificationQuery,
  appendAccessQuery,
  deliveryStepsQuery,
  displayEventsQuery,
  eventLogQuery,
  insertReceiptQuery,
  knownEndpointsQuery,
  lastDeliveryQuery,
  searchUsersQuery,
  seenUserQuery,
  type AccessEntry,
  type AccessRow,
  type DisplayEventRow,
  type EventLogPosition,
  type EventLogRow,
  type KnownEndpointRow,
  type LastDeliveryRow,
  type StepRow,
  type UserRow,
} from "./queries";

async function rows<T>(db: Queryable, sql: { text: string; params: unknown[] }): Promise<T[]> {
  return (await db.query<T>(sql.text, sql.params)).rows;
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

function toDirectoryUser(r: UserRow): DirectoryUser {
  return { id: r.id, displayName: r.display_name, userPrincipalName: r.upn, lastSeenDateTime: iso(r.last_seen) };
}

// ---- users -----------------------------------------------------------------

export async function searchUsers(
  db: Queryable,
  tenantId: string,
  words: readonly string[],
  limit: number,
  after?: { key: string; id: string },
): Promise<Array<DirectoryUser & { sortKey: string }>> {
  const found = await rows<UserRow>(db, searchUsersQuery(tenantId, words, limit, after));
  return found.map((r) => ({ ...toDirectoryUser(r), sortKey: r.sort_key }));
}

/** A user of the tenant the service knows, or undefined (unknown here, or another tenant's). */
export async function findSeenUser(db: Queryable, o: Owner): Promise<DirectoryUser | undefined> {
  const r = (await rows<UserRow>(db, seenUserQuery(o)))[0];
  return r && toDirectoryUser(r);
}

export async function userIdByUpn(db: Queryable, tenantId: string, upn: string): Promise<string | undefined> {
  return (await rows<{ id: string }>(db, findUserByUpnQuery(tenantId, upn)))[0]?.id;
}

export async function userSummary(db: Queryable, user: DirectoryUser, o: Owner, now: Date): Promise<UserSummary> {
  const unread = await unreadCount(db, o, now);
  const activeEndpoints = (await rows<{ count: number }>(db, activeEndpointCountQuery(o, now)))[0]!.count;
  const last = (await rows<LastDeliveryRow>(db, lastDeliveryQuery(o)))[0];
  return {
    ...user,
    unreadCount: unread,
    activeEndpoints,
    lastDelivery: last
      ? {
          dateTime: last.at.toISOString(),
          endpointId: last.endpoint_id,
          deviceName: last.device_name,
          result: last.step as DeliveryStepKind,
          statusCode: last.status_code,
        }
      : null,
  };
}

// ---- notifications and deliveries ------------------------------------------

/** One notification in any state (deleted tombstones included) until it expires. */
export async function anyNotification(db: Queryable, o: Owner, id: string, now: Date): Promise<NotificationRow | undefined> {
  return (await rows<NotificationRow>(db, anyNotificationQuery(o, id, now, NOTIFICATION_COLUMNS)))[0];
}

export async function deliveryRecords(
  db: Queryable,
  o: Owner,
  n: Pick<NotificationRow, "id" | "created">,
  allowed: (pushEndpoint: string) => boolean,
): Promise<DeliveryRecord[]> {
  const steps = await rows<StepRow>(db, deliveryStepsQuery(o, n.id));
  const displayEvents = await rows<DisplayEventRow>(db, displayEventsQuery(o, n.id));
  const endpoints = await rows<KnownEndpointRow>(db, knownEndpointsQuery(o));
  return buildDeliveryRecords({ created: n.created, steps, displayEvents, endpoints, allowed });
}

// ---- the event log ---------------------------------------------------------

const ACTOR_KIND: Record<string, EventActor["kind"]> = { user: "user", app: "app" };

function toEventEntry(r: EventLogRow, endpoints: Map<string, KnownEndpointRow>, opaqueId: (v: string) => string): NotificationEventEntry {
  const detail = r.detail ?? {};
  const change =
    r.kind === "stateChanged"
      ? Object.fromEntries(
          (["readState", "userActionState", "snoozedUntilDateTime"] as const)
            .filter((k) => detail[k] !== undefined)
            .map((k) => [k, detail[k]]),
        )
      : null;
  return {
    id: opaqueId(`${r.src}${r.seq}`),
    notificationId: r.notification_id,
    dateTime: r.at.toISOString(),
    kind: r.kind as EventLogKind,
    actor: { kind: ACTOR_KIND[r.actor_kind] ?? "service", id: r.actor_kind in ACTOR_KIND ? r.actor_id : null },
    endpoint: r.endpoint_id === null ? null : toDeliveryEndpoint(endpoints.get(r.endpoint_id), r.endpoint_id),
    change: change as NotificationEventEntry["change"],
    pushKind: r.src === "d" ? ((detail.pushKind as PushKind | undefined) ?? null) : null,
    targetHostName: r.target_host_name,
    appNotificationId: r.app_notification_id,
    title: r.title,
  };
}

export async function eventLog(
  db: Queryable,
  o: Owner,
  notificationId: string | undefined,
  limit: number,
  after: EventLogPosition | undefined,
  opaqueId: (v: string) => string,
): Promise<{ entries: NotificationEventEntry[]; last: EventLogPosition | undefined; more: boolean }> {
  const found = await rows<EventLogRow>(db, eventLogQuery(o, notificationId, limit + 1, after));
  const page = found.slice(0, limit);
  const endpoints = page.some((r) => r.endpoint_id !== null)
    ? new Map((await rows<KnownEndpointRow>(db, knownEndpointsQuery(o))).map((e) => [e.id, e]))
    : new Map<string, KnownEndpointRow>();
  const tail = page[page.length - 1];
  return {
    entries: page.map((r) => toEventEntry(r, endpoints, opaqueId)),
    last: tail && { at: tail.at, src: tail.src, seq: tail.seq },
    more: found.length > limit,
  };
}

// ---- the access log --------------------------------------------------------

export async function appendAccess(tx: Queryable, e: Omit<AccessEntry, "id">): Promise<void> {
  const sql = appendAccessQuery({ ...e, id: randomUUID() });
  await tx.query(sql.text, sql.params);
}

function toAccessEntry(r: AccessRow): AccessLogEntry {
  return {
    id: r.id,
    dateTime: r.at.toISOString(),
    actor: { id: r.actor_id, displayName: r.actor_name, userPrincipalName: r.actor_upn },
    userId: r.user_id,
    route: r.route,
    reason: r.reason,
    requestId: r.request_id,
  };
}

export async function accessLog(
  db: Queryable,
  tenantId: string,
  userId: string | undefined,
  limit: number,
  after?: { at: Date; id: string },
): Promise<{ entries: AccessLogEntry[]; last: { at: Date; id: string } | undefined; more: boolean }> {
  const found = await rows<AccessRow>(db, accessLogQuery(tenantId, userId, limit + 1, after));
  const page = found.slice(0, limit);
  const tail = page[page.length - 1];
  return { entries: page.map(toAccessEntry), last: tail && { at: tail.at, id: tail.id }, more: found.length > limit };
}

/**
 * Maintenance: removes access log entries older than the retention through
 * migration 8's function, which runs with the schema owner's rights (the
 * service's role may hold only INSERT and SELECT on the log). The table's
 * trigger refuses every other UPDATE and DELETE, and checks this one against
 * the database's own clock.
 */
export async function pruneAccessLog(db: Queryable): Promise<number> {
  return (await db.query<{ pruned: number }>("SELECT prune_access_log() AS pruned")).rows[0]!.pruned;
}

// ---- receipts --------------------------------------------------------------

/** Records a device's receipt; false when the notification is not the owner's (or gone). */
export async function recordReceipt(
  db: Queryable,
  o: Owner,
  notificationId: string,
  endpointId: string,
  step: "received" | "shown",
  how: string | null,
  at: Date,
): Promise<boolean> {
  return (await rows<{ id: string }>(db, insertReceiptQuery(o, notificationId, endpointId, step, how, at))).length > 0;
}
