// Every SQL statement of the push delivery pipeline. Statements that touch a
// user's rows name tenant_id and user_id. Multi-row writes pass arrays and
// unnest them: one statement per batch, because PGlite runs one at a time.
import type { PushKind } from "../../contracts/push-payload";
import type { EventKind } from "../notifications/events";
import type { Sql } from "../store/db";
import type { NotificationRow, Owner } from "../notifications/queries";

export function undispatchedEventsQuery(limit: number): Sql {
  return {
    text: `SELECT seq::text AS seq, kind, tenant_id, user_id FROM notification_events
      WHERE NOT dispatched ORDER BY seq LIMIT $1 FOR UPDATE`,
    params: [limit],
  };
}

export function markDispatchedQuery(seqs: readonly string[]): Sql {
  return { text: "UPDATE notification_events SET dispatched = true WHERE seq = ANY($1::bigint[])", params: [seqs] };
}

export const COUNT_UNDISPATCHED_SQL = "SELECT count(*)::int AS n FROM notification_events WHERE NOT dispatched";

export interface EventRow {
  seq: string;
  tenant_id: string;
  user_id: string;
  notification_id: string;
  kind: EventKind;
  endpoint_id: string | null;
  at: Date;
}

export function eventBySeqQuery(seq: string): Sql {
  return {
    text: `SELECT seq::text AS seq, tenant_id, user_id, notification_id::text AS notification_id, kind, endpoint_id, at
      FROM notification_events WHERE seq = $1`,
    params: [seq],
  };
}

/** The columns pushedNotificationQuery reads. */
export type PushedNotificationRow = Pick<
  NotificationRow,
  | "id"
  | "title"
  | "body"
  | "group_name"
  | "priority"
  | "read_state"
  | "action_state"
  | "status"
  | "created"
  | "expiration"
  | "display_until"
  | "platform_types"
>;

/** The notification as it is now (tombstones included: a delete is pushed too). */
export function pushedNotificationQuery(o: Owner, id: string): Sql {
  return {
    text: `SELECT id::text AS id, title, body, group_name, priority, read_state, action_state, status, created,
        expiration, display_until, platform_types
      FROM notifications WHERE id = $1 AND tenant_id = $2 AND user_id = $3`,
    params: [id, o.tenantId, o.userId],
  };
}

export function unreadCountQuery(o: Owner, now: Date): Sql {
  return {
    text: `SELECT count(*)::int AS count FROM notifications
      WHERE tenant_id = $1 AND user_id = $2 AND read_state = 'unread' AND status = 'active' AND expiration > $3`,
    params: [o.tenantId, o.userId, now],
  };
}

export interface TargetRow {
  id: string;
  push_endpoint: string;
  p256dh: string;
  auth: string;
  /** Attempts already made for this event (a retry job continues the count). */
  attempts: number;
  /** Since when settled items are news to this endpoint (its last delivered push, else its creation). */
  settled_since: Date;
  /** A display push of this notification was delivered here (it has something to close). */
  displayed: boolean;
}

export interface TargetCriteria extends Owner {
  seq: string;
  notificationId: string;
  /** The endpoint that made the change: it already knows. */
  actingEndpointId: string | null;
  now: Date;
  /** A retry job: only these endpoints, and only while their row says retrying. */
  retryEndpointIds: readonly string[] | null;
  /** State pushes go only where a display push of this notification was delivered. */
  onlyDisplayed: boolean;
}

/**
 * The user's live webPush endpoints still owed this event: those with no
 * delivery row for it (a rerun after a crash skips the settled ones), or for a
 * retry job the named ones still marked retrying.
 */
export function deliveryTargetsQuery(c: TargetCriteria): Sql {
  const displayed = `EXISTS (SELECT 1 FROM push_deliveries s
      WHERE s.notification_id = $4 AND s.endpoint_id = e.id AND s.kind IN ('created', 'updated') AND s.status = 'delivered')`;
  return {
    text: `SELECT e.id::text AS id, e.push_endpoint, e.p256dh, e.auth, COALESCE(d.attempts, 0) AS attempts,
        CASE WHEN e.last_delivery_result = 'delivered' THEN e.last_delivery_at ELSE e.created END AS settled_since,
        ${displayed} AS displayed
      FROM endpoints e
      LEFT JOIN push_deliveries d ON d.event_seq = $3 AND d.endpoint_id = e.id
      WHERE e.tenant_id = $1 AND e.user_id = $2 AND e.platform = 'webPush' AND e.push_endpoint IS NOT NULL
        AND e.p256dh IS NOT NULL AND e.auth IS NOT NULL AND e.expiration > $5
        AND ($6::text IS NULL OR e.id::text <> $6)
        AND CASE WHEN $7::uuid[] IS NULL THEN d.event_seq IS NULL
                 ELSE e.id = ANY($7::uuid[]) AND (d.event_seq IS NULL OR d.status = 'retrying') END
        ${c.onlyDisplayed ? `AND ${displayed}` : ""}
      ORDER BY e.id`,
    params: [c.tenantId, c.userId, c.seq, c.notificationId, c.now, c.actingEndpointId, c.retryEndpointIds],
  };
}

/**
 * Notifications of the user settled (read, dismissed, snoozed, activated,
 * deleted, expired) by an event after `since`, newest first: what a
 * display-only endpoint should close on its next push.
 */
export function settledSinceQuery(o: Owner, since: Date, excludeId: string, limit: number): Sql {
  return {
    text: `SELECT ev.notification_id::text AS id, max(ev.at) AS at
      FROM notification_events ev
      LEFT JOIN notifications n ON n.id = ev.notification_id AND n.tenant_id = ev.tenant_id AND n.user_id = ev.user_id
      WHERE ev.tenant_id = $1 AND ev.user_id = $2 AND ev.at > $3 AND ev.notification_id <> $4
        AND ev.kind IN ('stateChanged', 'deleted', 'expired')
        AND (n.id IS NULL OR n.status = 'deleted' OR n.read_state = 'read'
             OR n.action_state IN ('dismissed', 'snoozed', 'activated'))
      GROUP BY ev.notification_id
      ORDER BY max(ev.at) DESC
      LIMIT $5`,
    params: [o.tenantId, o.userId, since, excludeId, limit],
  };
}

/** `skipped`: a retry found the push no longer needed (the item was read, dismissed or deleted meanwhile). */
export type DeliveryStatus = "delivered" | "retrying" | "failed" | "gone" | "skipped";

export interface DeliveryResult {
  endpointId: string;
  status: DeliveryStatus;
  statusCode: number | null;
  attempts: number;
  at: Date;
}

export interface DeliveryEvent extends Owner {
  seq: string;
  notificationId: string;
  /** The payload kind sent. */
  kind: PushKind;
}

/** Records many endpoints' results for one event in one statement. */
export function recordDeliveriesQuery(ev: DeliveryEvent, results: readonly DeliveryResult[]): Sql {
  return {
    text: `INSERT INTO push_deliveries (event_seq, endpoint_id, tenant_id, user_id, notification_id, kind, status,
        status_code, attempts, at)
      SELECT $1, r.endpoint_id, $2, $3, $4, $5, r.status, r.status_code, r.attempts, r.at
      FROM unnest($6::uuid[], $7::text[], $8::int[], $9::int[], $10::timestamptz[])
        AS r(endpoint_id, status, status_code, attempts, at)
      ON CONFLICT (event_seq, endpoint_id) DO UPDATE SET status = EXCLUDED.status,
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
export const LAST_DELIVERY_RESOLUTION_SECONDS = 60;

/**
 * Each endpoint's last delivery (what the settings view shows), for many
 * endpoints at once. A row whose result and status are unchanged is rewritten
 * at most once a minute: a burst of pushes to the same endpoints would
 * otherwise rewrite every endpoint row per push (PGlite has no autovacuum to
 * clean up after that). A changed result is always written.
 */
export function noteLastDeliveryQuery(o: Owner, results: readonly DeliveryResult[]): Sql {
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

/** A retry job's endpoints, settled without a send. */
export function skipRetriesQuery(seq: string, o: Owner, endpointIds: readonly string[], at: Date): Sql {
  return {
    text: `UPDATE push_deliveries SET status = 'skipped', at = $5
      WHERE event_seq = $1 AND tenant_id = $2 AND user_id = $3 AND endpoint_id = ANY($4::uuid[]) AND status = 'retrying'`,
    params: [seq, o.tenantId, o.userId, endpointIds, at],
  };
}

/** Delivery rows older than the events' retention go with them. */
export function purgeDeliveriesQuery(cutoff: Date): Sql {
  return { text: "DELETE FROM push_deliveries WHERE at < $1", params: [cutoff] };
}
