// Every SQL statement the notifications routes run, as exported builders, so
// the benchmark can time the raw query beside the HTTP call. Every statement
// that touches a user's rows names tenant_id and user_id: ownership is part
// of the query, never a check afterwards.
// Output columns are cast to text under their own names (id, change_seq), so
// ORDER BY must qualify the table column, or it sorts the text alias and
// loses the index.
import type {
  Notification,
  NotificationStatus,
  PlatformType,
  Priority,
  ReadState,
  UserActionState,
} from "../../contracts/notification";
import { pushKindOf, type EventKind } from "./events";
import type { FilterClause } from "./filter";
import type { Sql } from "../store/db";

export const NOTIFICATION_COLUMNS = `id::text AS id, tenant_id, user_id, target_host_name, app_notification_id,
  group_name, title, body, raw_content, priority, display_until, expiration, platform_types, fallback_policy,
  read_state, action_state, snoozed_until, status, created, last_modified, last_modified_endpoint,
  change_seq::text AS change_seq, read_state_at, read_state_endpoint, action_state_at, action_state_endpoint`;

export interface NotificationRow {
  id: string;
  tenant_id: string;
  user_id: string;
  target_host_name: string;
  app_notification_id: string | null;
  group_name: string | null;
  title: string | null;
  body: string | null;
  raw_content: string | null;
  priority: Priority;
  display_until: Date | null;
  expiration: Date;
  platform_types: PlatformType[];
  fallback_policy: Notification["fallbackPolicy"];
  read_state: ReadState;
  action_state: UserActionState;
  snoozed_until: Date | null;
  status: NotificationStatus;
  created: Date;
  last_modified: Date;
  last_modified_endpoint: string | null;
  change_seq: string;
  /** When and from where readState last changed (null: at last_modified, from last_modified_endpoint). */
  read_state_at?: Date | null;
  read_state_endpoint?: string | null;
  /** The same for userActionState with snoozedUntil. */
  action_state_at?: Date | null;
  action_state_endpoint?: string | null;
}

export interface Owner {
  tenantId: string;
  userId: string;
}

const COLUMN: Record<FilterClause["field"], string> = {
  readState: "read_state",
  userActionState: "action_state",
  status: "status",
  groupName: "group_name",
  priority: "priority",
  createdDateTime: "created",
};

export interface ListCriteria extends Owner {
  now: Date;
  filters: readonly FilterClause[];
  /** Words that must each appear in title, body or groupName (case-insensitive). */
  search: readonly string[];
}

export interface ListQuery extends ListCriteria {
  order: "desc" | "asc";
  /** Rows to fetch; callers ask for one more than a page to know if another follows. */
  limit: number;
  /** Keyset: the last row of the previous page. */
  after?: { created: Date; id: string };
}

/** A word as a LIKE pattern's literal text (its %, _ and \\ escaped). */
export function escapeLike(word: string): string {
  return word.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/** The WHERE clause shared by the list and the count. */
function listWhere(c: ListCriteria, params: unknown[]): string {
  params.push(c.tenantId, c.userId, c.now);
  const parts = ["tenant_id = $1", "user_id = $2", "expiration > $3"];
  // Tombstones are listed only when the caller asks about status.
  if (!c.filters.some((f) => f.field === "status")) parts.push("status = 'active'");
  for (const f of c.filters) {
    const col = COLUMN[f.field];
    if (f.field === "createdDateTime") {
      params.push(f.value);
      parts.push(`${col} ${f.op === "ge" ? ">=" : "<"} $${params.length}`);
    } else if (f.value === null) {
      parts.push(`${col} ${f.op === "eq" ? "IS NULL" : "IS NOT NULL"}`);
    } else {
      params.push(f.value);
      // OData: null ne 'x' is true, so ne must not drop NULL groups.
      parts.push(f.op === "eq" ? `${col} = $${params.length}` : `${col} IS DISTINCT FROM $${params.length}`);
    }
  }
  for (const word of c.search) {
    params.push(`%${escapeLike(word)}%`);
    const p = `$${params.length}`;
    parts.push(`(title ILIKE ${p} OR body ILIKE ${p} OR group_name ILIKE ${p})`);
  }
  return parts.join(" AND ");
}

export function listNotificationsQuery(q: ListQuery): Sql {
  const params: unknown[] = [];
  let where = listWhere(q, params);
  const dir = q.order === "desc" ? "DESC" : "ASC";
  if (q.after) {
    params.push(q.after.created, q.after.id);
    const cmp = q.order === "desc" ? "<" : ">";
    where += ` AND (created, id) ${cmp} ($${params.length - 1}, $${params.length}::uuid)`;
  }
  params.push(q.limit);
  return {
    text: `SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE ${where}
      ORDER BY notifications.created ${dir}, notifications.id ${dir} LIMIT $${params.length}`,
    params,
  };
}

/** What the per-user counters keep (migration 12): the live items, and of those the unread ones. */
export type Counted = "active" | "unread";

/** The counter a count is, when its criteria are exactly one of them: no search, no other filter. */
export function countedBy(c: Pick<ListCriteria, "filters" | "search">): Counted | undefined {
  if (c.search.length > 0) return undefined;
  let unread = false;
  for (const f of c.filters) {
    if (f.field === "readState" && f.op === "eq" && f.value === "unread") unread = true;
    else if (!(f.field === "status" && f.op === "eq" && f.value === "active")) return undefined;
  }
  return unread ? "unread" : "active";
}

/**
 * The user's live (unexpired, active) items, or unread live items, in O(1):
 * the counter (which counts active rows whatever their expiration) less the
 * user's active rows already past expiration that the purge has not removed
 * yet, an index range as short as the time since the last purge.
 */
export function countedQuery(o: Owner, what: Counted, now: Date): Sql {
  return {
    text: `SELECT (COALESCE((SELECT ${what} FROM user_counters WHERE user_id = $2 AND tenant_id = $1), 0)
        - (SELECT count(*) FROM notifications WHERE user_id = $2 AND tenant_id = $1 AND expiration <= $3
            AND status = 'active'${what === "unread" ? " AND read_state = 'unread'" : ""}))::int AS count`,
    params: [o.tenantId, o.userId, now],
  };
}

/** The unread badge: unread, active, unexpired items (the push payload and the stream carry it). */
export const unreadCountQuery = (o: Owner, now: Date): Sql => countedQuery(o, "unread", now);

/** `$count` (and `@odata.count`): the counters when the criteria are theirs, else a count of the matching rows. */
export function countNotificationsQuery(c: ListCriteria): Sql {
  const counted = countedBy(c);
  if (counted) return countedQuery(c, counted, c.now);
  const params: unknown[] = [];
  const where = listWhere(c, params);
  return { text: `SELECT count(*)::int AS count FROM notifications WHERE ${where}`, params };
}

/** One live item of its owner. */
export function getNotificationQuery(o: Owner, id: string, now: Date, forUpdate = false): Sql {
  return {
    text: `SELECT ${NOTIFICATION_COLUMNS} FROM notifications
      WHERE id = $1 AND tenant_id = $2 AND user_id = $3 AND status = 'active' AND expiration > $4
      ${forUpdate ? "FOR UPDATE" : ""}`,
    params: [id, o.tenantId, o.userId, now],
  };
}

export interface NewNotification extends Owner {
  id: string;
  targetHostName: string;
  appNotificationId: string | null;
  groupName: string | null;
  title: string | null;
  body: string | null;
  rawContent: string | null;
  priority: Priority;
  displayUntil: Date | null;
  expiration: Date;
  platformTypes: PlatformType[];
  fallbackPolicy: Notification["fallbackPolicy"];
  now: Date;
}

/**
 * Insert, or — for a known (targetHostName, appNotificationId) — replace the
 * content and reset the state of the existing row, keeping its id. `inserted`
 * tells which happened (xmax is 0 only for a freshly inserted tuple).
 */
export function insertNotificationQuery(n: NewNotification): Sql {
  return {
    text: `INSERT INTO notifications (id, tenant_id, user_id, target_host_name, app_notification_id, group_name,
        title, body, raw_content, priority, display_until, expiration, platform_types, fallback_policy,
        read_state, action_state, snoozed_until, status, created, last_modified, last_modified_endpoint, change_seq)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
        'unread', 'noInteraction', NULL, 'active', $15, $15, NULL, nextval('notification_change_seq'))
      ON CONFLICT (tenant_id, user_id, target_host_name, app_notification_id) DO UPDATE SET
        group_name = EXCLUDED.group_name, title = EXCLUDED.title, body = EXCLUDED.body,
        raw_content = EXCLUDED.raw_content, priority = EXCLUDED.priority, display_until = EXCLUDED.display_until,
        expiration = EXCLUDED.expiration, platform_types = EXCLUDED.platform_types,
        fallback_policy = EXCLUDED.fallback_policy, read_state = 'unread', action_state = 'noInteraction',
        snoozed_until = NULL, status = 'active', last_modified = EXCLUDED.last_modified,
        last_modified_endpoint = NULL, change_seq = EXCLUDED.change_seq,
        read_state_at = NULL, read_state_endpoint = NULL, action_state_at = NULL, action_state_endpoint = NULL
      RETURNING ${NOTIFICATION_COLUMNS}, (xmax::text = '0') AS inserted`,
    params: [
      n.id,
      n.tenantId,
      n.userId,
      n.targetHostName,
      n.appNotificationId,
      n.groupName,
      n.title,
      n.body,
      n.rawContent,
      n.priority,
      n.displayUntil,
      n.expiration,
      n.platformTypes,
      n.fallbackPolicy === null ? null : JSON.stringify(n.fallbackPolicy),
      n.now,
    ],
  };
}

/**
 * Whether the user holds more than `cap` live notifications, from the counter
 * (migration 12): at or under the cap counting expired ones too, the answer is
 * no without looking further; above it, the expired ones not yet purged are
 * counted off (countedQuery). A SQL boolean over four placeholders.
 */
function overCapSql(tenant: string, user: string, cap: string, now: string): string {
  return `COALESCE((SELECT CASE WHEN c.active <= ${cap} THEN false
        ELSE c.active - (SELECT count(*) FROM notifications WHERE user_id = ${user} AND tenant_id = ${tenant}
          AND expiration <= ${now} AND status = 'active') > ${cap} END
      FROM user_counters c WHERE c.user_id = ${user} AND c.tenant_id = ${tenant}), false)`;
}

/** The cap's rule on its own (a send runs it inside its event's insert: insertEventQuery's `withinCap`). */
export function overQuotaQuery(o: Owner, cap: number, now: Date): Sql {
  return { text: `SELECT ${overCapSql("$1", "$2", "$3", "$4")} AS over`, params: [o.tenantId, o.userId, cap, now] };
}

export interface StateChange {
  readState?: "unread" | "read";
  userActionState?: "noInteraction" | "activated" | "dismissed" | "snoozed";
  /** Only together with userActionState; null clears it. */
  snoozedUntil?: Date | null;
}

/** PATCH: the new state of one live item of its owner. */
export function patchNotificationQuery(o: Owner, id: string, change: StateChange, now: Date, endpointId: string | null): Sql {
  return {
    text: `UPDATE notifications SET
        read_state = COALESCE($5, read_state),
        action_state = COALESCE($6, action_state),
        snoozed_until = CASE WHEN $6::text IS NULL THEN snoozed_until ELSE $7::timestamptz END,
        read_state_at = CASE WHEN $5::text IS NULL THEN COALESCE(read_state_at, last_modified) ELSE $4 END,
        read_state_endpoint = CASE WHEN $5::text IS NULL THEN
          (CASE WHEN read_state_at IS NULL THEN last_modified_endpoint ELSE read_state_endpoint END) ELSE $8 END,
        action_state_at = CASE WHEN $6::text IS NULL THEN COALESCE(action_state_at, last_modified) ELSE $4 END,
        action_state_endpoint = CASE WHEN $6::text IS NULL THEN
          (CASE WHEN action_state_at IS NULL THEN last_modified_endpoint ELSE action_state_endpoint END) ELSE $8 END,
        last_modified = $4, last_modified_endpoint = $8,
        change_seq = nextval('notification_change_seq')
      WHERE id = $1 AND tenant_id = $2 AND user_id = $3 AND status = 'active' AND expiration > $4
      RETURNING ${NOTIFICATION_COLUMNS}`,
    params: [
      id,
      o.tenantId,
      o.userId,
      now,
      change.readState ?? null,
      change.userActionState ?? null,
      change.snoozedUntil ?? null,
      endpointId,
    ],
  };
}

export function deleteNotificationQuery(o: Owner, id: string, now: Date, endpointId: string | null): Sql {
  return {
    text: `UPDATE notifications SET status = 'deleted', last_modified = $4, last_modified_endpoint = $5,
        change_seq = nextval('notification_change_seq')
      WHERE id = $1 AND tenant_id = $2 AND user_id = $3 AND status = 'active' AND expiration > $4
      RETURNING id::text AS id`,
    params: [id, o.tenantId, o.userId, now, endpointId],
  };
}

export interface BulkChange extends Owner {
  action: "markAllAsRead" | "dismissAll";
  now: Date;
  /** Items created after this are never touched (the request's start). */
  createdUpTo: Date;
  before?: Date;
  /** undefined: any group; null: items without a group. */
  groupName?: string | null;
  actorId: string;
  endpointId: string | null;
}

/** markAllAsRead / dismissAll, with one event per changed item, in one statement. */
export function bulkChangeQuery(b: BulkChange): Sql {
  const params: unknown[] = [b.tenantId, b.userId, b.now, b.createdUpTo, b.endpointId, b.actorId];
  // The field it changes now and from here; the other keeps when and where it last changed.
  const keep = (f: "read_state" | "action_state") =>
    `${f}_at = COALESCE(${f}_at, last_modified), ${f}_endpoint = CASE WHEN ${f}_at IS NULL THEN last_modified_endpoint ELSE ${f}_endpoint END`;
  const set =
    b.action === "markAllAsRead"
      ? `read_state = 'read', read_state_at = $3, read_state_endpoint = $5, ${keep("action_state")}`
      : `action_state = 'dismissed', snoozed_until = NULL, action_state_at = $3, action_state_endpoint = $5, ${keep("read_state")}`;
  const which = b.action === "markAllAsRead" ? "read_state = 'unread'" : "action_state <> 'dismissed'";
  let where = `tenant_id = $1 AND user_id = $2 AND status = 'active' AND expiration > $3 AND created <= $4 AND ${which}`;
  if (b.before) {
    params.push(b.before);
    where += ` AND created < $${params.length}`;
  }
  if (b.groupName === null) where += " AND group_name IS NULL";
  else if (b.groupName !== undefined) {
    params.push(b.groupName);
    where += ` AND group_name = $${params.length}`;
  }
  params.push(JSON.stringify({ action: b.action }));
  return {
    text: `WITH changed AS (
        UPDATE notifications SET ${set}, last_modified = $3, last_modified_endpoint = $5,
          change_seq = nextval('notification_change_seq')
        WHERE ${where}
        RETURNING id),
      logged AS (
        INSERT INTO notification_events (tenant_id, user_id, notification_id, at, kind, actor_kind, actor_id, endpoint_id, detail, dispatched)
        SELECT $1, $2, id, $3, 'stateChanged', 'user', $6, $5, $${params.length}::jsonb, ${dispatchedSql("stateChanged", "$1", "$2")} FROM changed)
      SELECT count(*)::int AS updated FROM changed`,
    params,
  };
}

/** SQL, true when the user (columns or parameters) has no endpoint of any platform. */
export const noEndpointSql = (tenant: string, user: string): string =>
  `NOT EXISTS (SELECT 1 FROM endpoints p WHERE p.user_id = ${user} AND p.tenant_id = ${tenant})`;

/**
 * The `dispatched` an event is written with: true when it pushes nothing — a
 * kind never pushed, or a user with no endpoint of any platform (a push-less
 * one may gain a subscription under its id; a device registered later is not
 * owed the push). Then the outbox never wakes for it (its NOTIFY is only for
 * undispatched events, migration 12); server/push/outbox.ts applies the same
 * rule to events written any other way.
 */
function dispatchedSql(kind: EventKind, tenant: string, user: string): string {
  return pushKindOf(kind) === undefined ? "true" : noEndpointSql(tenant, user);
}

export interface EventRecord extends Owner {
  notificationId: string;
  at: Date;
  kind: EventKind;
  actorKind: "user" | "app" | "expiry";
  actorId: string | null;
  endpointId: string | null;
  detail?: Record<string, unknown>;
}

const EVENT_COLUMNS = "tenant_id, user_id, notification_id, at, kind, actor_kind, actor_id, endpoint_id, detail, dispatched";

/**
 * An event row. With `withinCap`, written only if the user then holds at most
 * `cap` live notifications (the send's own included: the insert's triggers have
 * counted it), so a send checks its cap and logs its event in one statement;
 * no row written (affectedRows 0) means over the cap, and the caller rolls back.
 */
export function insertEventQuery(e: EventRecord, withinCap?: { cap: number; now: Date }): Sql {
  const params: unknown[] = [
    e.tenantId,
    e.userId,
    e.notificationId,
    e.at,
    e.kind,
    e.actorKind,
    e.actorId,
    e.endpointId,
    e.detail === undefined ? null : JSON.stringify(e.detail),
  ];
  const dispatched = dispatchedSql(e.kind, "$1", "$2");
  if (withinCap === undefined) {
    return { text: `INSERT INTO notification_events (${EVENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, ${dispatched})`, params };
  }
  params.push(withinCap.cap, withinCap.now);
  // A SELECT's placeholders take no type from the columns they fill, hence the casts.
  return {
    text: `INSERT INTO notification_events (${EVENT_COLUMNS})
      SELECT $1::text, $2::text, $3::uuid, $4::timestamptz, $5::text, $6::text, $7::text, $8::text, $9::jsonb, ${dispatched}
      WHERE NOT ${overCapSql("$1", "$2", "$10", "$11")}`,
    params,
  };
}

/**
 * Hard-deletes expired rows (one batch), logging each as a removal (with a new
 * change number, so delta reports it) and as an expiry event. Scoped to one
 * user when `owner` is given (run before that user's delta).
 */
export function purgeExpiredQuery(now: Date, batch: number, owner?: Owner): Sql {
  const params: unknown[] = [now, batch];
  let scope = "";
  if (owner) {
    params.push(owner.tenantId, owner.userId);
    scope = " AND tenant_id = $3 AND user_id = $4";
  }
  return {
    text: `WITH gone AS (
        DELETE FROM notifications WHERE id IN (
          SELECT id FROM notifications WHERE expiration <= $1${scope} LIMIT $2)
        RETURNING tenant_id, user_id, id),
      removed AS (
        INSERT INTO notification_removals (tenant_id, user_id, id, change_seq, removed_at)
        SELECT tenant_id, user_id, id, nextval('notification_change_seq'), $1 FROM gone),
      logged AS (
        INSERT INTO notification_events (tenant_id, user_id, notification_id, at, kind, actor_kind, dispatched)
        SELECT tenant_id, user_id, id, $1, 'expired', 'expiry', ${dispatchedSql("expired", "tenant_id", "user_id")} FROM gone)
      SELECT count(*)::int AS purged FROM gone`,
    params,
  };
}

/** Snoozed items whose time has come return to noInteraction (a change, so delta sees it). */
export function wakeSnoozedQuery(now: Date): Sql {
  return {
    text: `WITH woke AS (
        UPDATE notifications SET action_state = 'noInteraction', snoozed_until = NULL, last_modified = $1,
          last_modified_endpoint = NULL, change_seq = nextval('notification_change_seq'),
          action_state_at = $1, action_state_endpoint = NULL,
          read_state_endpoint = CASE WHEN read_state_at IS NULL THEN last_modified_endpoint ELSE read_state_endpoint END,
          read_state_at = COALESCE(read_state_at, last_modified)
        WHERE action_state = 'snoozed' AND snoozed_until <= $1 AND status = 'active'
        RETURNING tenant_id, user_id, id),
      logged AS (
        INSERT INTO notification_events (tenant_id, user_id, notification_id, at, kind, actor_kind, dispatched)
        SELECT tenant_id, user_id, id, $1, 'woke', 'expiry', ${dispatchedSql("woke", "woke.tenant_id", "woke.user_id")} FROM woke)
      SELECT count(*)::int AS woke FROM woke`,
    params: [now],
  };
}

/** Removal log and events older than the retention window. */
export function pruneHistoryQueries(cutoff: Date): Sql[] {
  return [
    { text: "DELETE FROM notification_removals WHERE removed_at < $1", params: [cutoff] },
    { text: "DELETE FROM notification_events WHERE at < $1", params: [cutoff] },
  ];
}

export const CURRENT_CHANGE_SEQ_SQL = `SELECT (CASE WHEN is_called THEN last_value ELSE 0 END)::text AS seq
  FROM notification_change_seq`;

export interface DeltaWindow extends Owner {
  now: Date;
  /** Exclusive lower bound (last change number already seen). */
  after: string;
  /** Inclusive upper bound, fixed when the round began. */
  upTo: string;
  limit: number;
}

/** Changed rows in (after, upTo], oldest change first. `liveOnly` for the first round. */
export function deltaChangesQuery(w: DeltaWindow, liveOnly: boolean): Sql {
  const base = `SELECT ${NOTIFICATION_COLUMNS} FROM notifications
      WHERE tenant_id = $1 AND user_id = $2 AND change_seq > $3::bigint AND change_seq <= $4::bigint`;
  if (liveOnly) {
    return {
      text: `${base} AND status = 'active' AND expiration > $5 ORDER BY notifications.change_seq LIMIT $6`,
      params: [w.tenantId, w.userId, w.after, w.upTo, w.now, w.limit],
    };
  }
  // Later rounds return every changed row; the caller reports deleted and expired ones as removed.
  return {
    text: `${base} ORDER BY notifications.change_seq LIMIT $5`,
    params: [w.tenantId, w.userId, w.after, w.upTo, w.limit],
  };
}

export function deltaRemovalsQuery(w: DeltaWindow): Sql {
  return {
    text: `SELECT id::text AS id, change_seq::text AS change_seq FROM notification_removals
      WHERE tenant_id = $1 AND user_id = $2 AND change_seq > $3::bigint AND change_seq <= $4::bigint
      ORDER BY notification_removals.change_seq LIMIT $5`,
    params: [w.tenantId, w.userId, w.after, w.upTo, w.limit],
  };
}

export function touchUserQuery(o: Owner, upn: string | null, displayName: string | null, now: Date): Sql {
  return {
    text: `INSERT INTO users (tenant_id, id, upn, display_name, first_seen, last_seen) VALUES ($1, $2, $3, $4, $5, $5)
      ON CONFLICT (tenant_id, id) DO UPDATE SET upn = COALESCE(EXCLUDED.upn, users.upn),
        display_name = COALESCE(EXCLUDED.display_name, users.display_name), last_seen = EXCLUDED.last_seen`,
    params: [o.tenantId, o.userId, upn, displayName, now],
  };
}

export function findUserByUpnQuery(tenantId: string, upn: string): Sql {
  return {
    // A UPN can move to another person: the one seen most recently holds it.
    text: "SELECT id FROM users WHERE tenant_id = $1 AND lower(upn) = lower($2) ORDER BY last_seen DESC LIMIT 1",
    params: [tenantId, upn],
  };
}
