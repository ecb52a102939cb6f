// The delivery job's reads: the event, the notification as it is now, the
// endpoints still owed the push, the unread count, and what was settled since
// (the results' writes are in results.ts). Statements that touch a user's rows
// name tenant_id and user_id; the event is found by its seq alone, because
// that is all a job carries and how it learns the owner.
import type { EventKind } from "../../notifications/events";
import type { NotificationRow, Owner } from "../../notifications/queries";
import type { Sql } from "../../store/db";

export interface EventRow {
  seq: string;
  tenant_id: string;
  user_id: string;
  notification_id: string;
  kind: EventKind;
  endpoint_id: string | null;
  at: Date;
}

/**
 * A job's event, by its seq and (jobs carry it) its user, `tenant|user`: the
 * events' key leads with user_id (migration 11). A job without one is looked up
 * by seq alone.
 */
export function eventBySeqQuery(seq: string, userKey: string | undefined): Sql {
  const columns = "seq::text AS seq, tenant_id, user_id, notification_id::text AS notification_id, kind, endpoint_id, at";
  const bar = userKey?.indexOf("|") ?? -1;
  if (userKey === undefined || bar < 0) return { text: `SELECT ${columns} FROM notification_events WHERE seq = $1`, params: [seq] };
  return {
    text: `SELECT ${columns} FROM notification_events WHERE user_id = $2 AND tenant_id = $3 AND seq = $1`,
    params: [seq, userKey.slice(bar + 1), userKey.slice(0, bar)],
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
      WHERE s.user_id = e.user_id AND s.notification_id = $4 AND s.endpoint_id = e.id AND s.kind IN ('created', 'updated') AND s.status = 'delivered')`;
  return {
    text: `SELECT e.id::text AS id, e.push_endpoint, e.p256dh, e.auth, COALESCE(d.attempts, 0) AS attempts,
        CASE WHEN e.last_delivery_result = 'delivered' THEN e.last_delivery_at ELSE e.created END AS settled_since,
        ${displayed} AS displayed
      FROM endpoints e
      LEFT JOIN push_deliveries d ON d.user_id = e.user_id AND d.event_seq = $3 AND d.endpoint_id = e.id
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
