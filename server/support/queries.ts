// Every SQL statement of the support and audit routes. Each names the tenant
// and, except the tenant's user search and audit log (which name the tenant
// alone, as the contract allows), the user: ownership is part of the query.
import { PUSH_SERVICE_HOST_SQL } from "../endpoints/queries";
import { escapeLike, type Owner } from "../notifications/queries";
import type { Sql } from "../store/db";

// ---- users -----------------------------------------------------------------

export interface UserRow {
  id: string;
  upn: string | null;
  display_name: string | null;
  last_seen: Date | null;
  /** The sort key the keyset pages on. */
  sort_key: string;
}

const SORT_KEY = "lower(COALESCE(display_name, upn, id))";

/** The tenant's users the service has seen, matched on every word in name or UPN, by name. */
export function searchUsersQuery(tenantId: string, words: readonly string[], limit: number, after?: { key: string; id: string }): Sql {
  const params: unknown[] = [tenantId];
  const where = ["tenant_id = $1"];
  for (const w of words) {
    params.push(`%${escapeLike(w)}%`);
    where.push(`(display_name ILIKE $${params.length} OR upn ILIKE $${params.length})`);
  }
  if (after) {
    params.push(after.key, after.id);
    where.push(`(${SORT_KEY}, id) > ($${params.length - 1}, $${params.length})`);
  }
  params.push(limit);
  return {
    text: `SELECT id, upn, display_name, last_seen, ${SORT_KEY} AS sort_key FROM users
      WHERE ${where.join(" AND ")} ORDER BY ${SORT_KEY}, id LIMIT $${params.length}`,
    params,
  };
}

/**
 * A user of the tenant the service knows: signed in (users), or sent to, or
 * with an endpoint. No row: not a user of this tenant (another tenant's is
 * answered exactly the same).
 */
export function seenUserQuery(o: Owner): Sql {
  return {
    text: `SELECT $2::text AS id, u.upn, u.display_name, u.last_seen, ''::text AS sort_key
      FROM (SELECT 1) one LEFT JOIN users u ON u.tenant_id = $1 AND u.id = $2
      WHERE u.id IS NOT NULL
        OR EXISTS (SELECT 1 FROM notifications WHERE tenant_id = $1 AND user_id = $2)
        OR EXISTS (SELECT 1 FROM endpoints WHERE tenant_id = $1 AND user_id = $2)`,
    params: [o.tenantId, o.userId],
  };
}

export function activeEndpointCountQuery(o: Owner, now: Date): Sql {
  return {
    text: "SELECT count(*)::int AS count FROM endpoints WHERE tenant_id = $1 AND user_id = $2 AND expiration > $3",
    params: [o.tenantId, o.userId, now],
  };
}

export interface LastDeliveryRow {
  at: Date;
  endpoint_id: string;
  step: string;
  status_code: number | null;
  device_name: string | null;
}

/** The latest push outcome the service recorded for any of the user's endpoints. */
export function lastDeliveryQuery(o: Owner): Sql {
  return {
    text: `SELECT s.at, s.endpoint_id::text AS endpoint_id, s.step, s.status_code,
        COALESCE(e.device_name, r.device_name) AS device_name
      FROM delivery_steps s
      LEFT JOIN endpoints e ON e.id = s.endpoint_id AND e.tenant_id = s.tenant_id AND e.user_id = s.user_id
      LEFT JOIN removed_endpoints r ON r.id = s.endpoint_id AND r.tenant_id = s.tenant_id AND r.user_id = s.user_id
      WHERE s.tenant_id = $1 AND s.user_id = $2 AND s.endpoint_id IS NOT NULL
        AND s.step IN ('sent', 'retrying', 'failed', 'subscriptionRemoved')
      ORDER BY s.at DESC, s.seq DESC LIMIT 1`,
    params: [o.tenantId, o.userId],
  };
}

// ---- deliveries ------------------------------------------------------------

export interface StepRow {
  endpoint_id: string | null;
  push_kind: string | null;
  step: string;
  at: Date;
  status_code: number | null;
  attempts: number | null;
  reason: string | null;
  next_at: Date | null;
  how: string | null;
}

export function deliveryStepsQuery(o: Owner, notificationId: string): Sql {
  return {
    text: `SELECT endpoint_id::text AS endpoint_id, push_kind, step, at, status_code, attempts, reason, next_at, how
      FROM delivery_steps WHERE tenant_id = $1 AND user_id = $2 AND notification_id = $3 ORDER BY at, seq`,
    params: [o.tenantId, o.userId, notificationId],
  };
}

export interface DisplayEventRow {
  kind: string;
  at: Date;
  endpoint_id: string | null;
}

/** The events of one notification that owe a display push (created, updated, a snooze ending). */
export function displayEventsQuery(o: Owner, notificationId: string): Sql {
  return {
    text: `SELECT kind, at, endpoint_id FROM notification_events
      WHERE tenant_id = $1 AND user_id = $2 AND notification_id = $3 AND kind IN ('created', 'updated', 'woke')
      ORDER BY seq`,
    params: [o.tenantId, o.userId, notificationId],
  };
}

export interface KnownEndpointRow {
  id: string;
  platform: "webPush" | "web";
  device_name: string | null;
  push_service_host: string | null;
  push_endpoint: string | null;
  created: Date;
  expiration: Date | null;
  push_expiration: Date | null;
  removed_at: Date | null;
  removed_reason: string | null;
}

/** Every endpoint of the user the service knows: live ones (expired included until purged) and removed ones. */
export function knownEndpointsQuery(o: Owner): Sql {
  return {
    text: `SELECT id::text AS id, platform, device_name,
        ${PUSH_SERVICE_HOST_SQL} AS push_service_host, push_endpoint,
        created, expiration, push_expiration, NULL::timestamptz AS removed_at, NULL::text AS removed_reason
      FROM endpoints WHERE tenant_id = $1 AND user_id = $2
      UNION ALL
      SELECT id::text, platform, device_name, push_service_host, NULL, created, NULL, NULL, removed_at, reason
      FROM removed_endpoints r WHERE tenant_id = $1 AND user_id = $2
        AND NOT EXISTS (SELECT 1 FROM endpoints e WHERE e.user_id = r.user_id AND e.tenant_id = r.tenant_id AND e.id = r.id)`,
    params: [o.tenantId, o.userId],
  };
}

/** One notification of the owner in any state (tombstones included) while it has not expired. */
export function anyNotificationQuery(o: Owner, id: string, now: Date, columns: string): Sql {
  return {
    text: `SELECT ${columns} FROM notifications WHERE id = $1 AND tenant_id = $2 AND user_id = $3 AND expiration > $4`,
    params: [id, o.tenantId, o.userId, now],
  };
}

// ---- the event log ---------------------------------------------------------

export interface EventLogRow {
  src: "e" | "d";
  seq: string;
  at: Date;
  notification_id: string;
  kind: string;
  actor_kind: string;
  actor_id: string | null;
  endpoint_id: string | null;
  detail: Record<string, unknown> | null;
  target_host_name: string | null;
  app_notification_id: string | null;
  title: string | null;
}

export interface EventLogPosition {
  at: Date;
  src: "e" | "d";
  seq: string;
}

/**
 * The user's event log, newest first: every change (notification_events) and
 * every push the service sent (delivery_steps `sent`), optionally of one
 * notification; keyset on (at, source, seq).
 */
export function eventLogQuery(o: Owner, notificationId: string | undefined, limit: number, after?: EventLogPosition): Sql {
  const params: unknown[] = [o.tenantId, o.userId];
  let one = "";
  if (notificationId !== undefined) {
    params.push(notificationId);
    one = ` AND notification_id = $${params.length}`;
  }
  let keyset = "";
  if (after) {
    params.push(after.at, after.src, after.seq);
    const n = params.length;
    keyset = `WHERE (x.at, x.src, x.seq) < ($${n - 2}::timestamptz, $${n - 1}::text, $${n}::bigint)`;
  }
  params.push(limit);
  return {
    text: `SELECT x.src, x.seq::text AS seq, x.at, x.notification_id::text AS notification_id, x.kind, x.actor_kind, x.actor_id,
        x.endpoint_id, x.detail, n.target_host_name, n.app_notification_id, n.title
      FROM (
        SELECT 'e'::text AS src, seq, at, notification_id, kind, actor_kind, actor_id, endpoint_id, detail
        FROM notification_events WHERE tenant_id = $1 AND user_id = $2${one}
        UNION ALL
        SELECT 'd'::text, seq, at, notification_id, 'delivered', 'service', NULL, endpoint_id::text,
          jsonb_build_object('pushKind', push_kind, 'statusCode', status_code)
        FROM delivery_steps WHERE tenant_id = $1 AND user_id = $2 AND step = 'sent'${one}
      ) x
      LEFT JOIN notifications n ON n.id = x.notification_id AND n.tenant_id = $1 AND n.user_id = $2
      ${keyset}
      ORDER BY x.at DESC, x.src DESC, x.seq DESC LIMIT $${params.length}`,
    params,
  };
}

// ---- the access log --------------------------------------------------------

export interface AccessEntry {
  tenantId: string;
  userId: string;
  id: string;
  at: Date;
  actorId: string;
  actorUpn: string | null;
  actorName: string | null;
  route: string;
  reason: string;
  requestId: string;
}

export function appendAccessQuery(e: AccessEntry): Sql {
  return {
    text: `INSERT INTO access_log (tenant_id, user_id, id, at, actor_id, actor_upn, actor_name, route, reason, request_id)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    params: [e.tenantId, e.userId, e.id, e.at, e.actorId, e.actorUpn, e.actorName, e.route, e.reason, e.requestId],
  };
}

export interface AccessRow {
  id: string;
  at: Date;
  actor_id: string;
  actor_upn: string | null;
  actor_name: string | null;
  user_id: string;
  route: string;
  reason: string;
  request_id: string;
}

/** The tenant's access log (optionally about one user), newest first; keyset on (at, id). */
export function accessLogQuery(tenantId: string, userId: string | undefined, limit: number, after?: { at: Date; id: string }): Sql {
  const params: unknown[] = [tenantId];
  const where = ["tenant_id = $1"];
  if (userId !== undefined) {
    params.push(userId);
    where.push(`user_id = $${params.length}`);
  }
  if (after) {
    params.push(after.at, after.id);
    where.push(`(at, id) < ($${params.length - 1}, $${params.length}::uuid)`);
  }
  params.push(limit);
  return {
    text: `SELECT id::text AS id, at, actor_id, actor_upn, actor_name, user_id, route, reason, request_id
      FROM access_log WHERE ${where.join(" AND ")} ORDER BY at DESC, id DESC LIMIT $${params.length}`,
    params,
  };
}

// ---- receipts --------------------------------------------------------------

/**
 * A device's receipt for a push of the owner's notification (tombstones
 * included: it was delivered before the delete), on the endpoint the action
 * token names. Idempotent per notification, endpoint and outcome. No row
 * returned: no such notification.
 */
export function insertReceiptQuery(o: Owner, notificationId: string, endpointId: string, step: "received" | "shown", how: string | null, at: Date): Sql {
  return {
    text: `WITH target AS (SELECT id FROM notifications WHERE id = $3 AND tenant_id = $1 AND user_id = $2),
      ins AS (
        INSERT INTO delivery_steps (tenant_id, user_id, notification_id, endpoint_id, step, at, how)
        SELECT $1, $2, id, $4, $5, $6, $7 FROM target
        ON CONFLICT (tenant_id, user_id, notification_id, endpoint_id, step) WHERE step IN ('received', 'shown') DO NOTHING)
      SELECT id::text AS id FROM target`,
    params: [o.tenantId, o.userId, notificationId, endpointId, step, at, how],
  };
}
