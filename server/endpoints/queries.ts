// Every SQL statement on endpoints (push subscriptions). Each one that reads or
// changes a user's endpoint names tenant_id and user_id; the only lookups
// without a user are by push endpoint URL (a takeover must find the row
// whoever owns it) and by UNS id within a tenant (the X-UNS-ID send path).
import type { EndpointRemovalReason } from "../../contracts/support";
import type { Owner } from "../notifications/queries";
import type { Sql } from "../store/db";

export const ENDPOINT_COLUMNS = `id::text AS id, tenant_id, user_id, platform, target_host_name, app_display_name,
  device_name, push_endpoint, p256dh, auth, push_expiration, created, renewed, expiration,
  last_delivery_at, last_delivery_result, last_delivery_status`;

export interface EndpointRow {
  id: string;
  tenant_id: string;
  user_id: string;
  platform: "webPush" | "web";
  target_host_name: string | null;
  app_display_name: string | null;
  device_name: string | null;
  push_endpoint: string | null;
  p256dh: string | null;
  auth: string | null;
  push_expiration: Date | null;
  created: Date;
  renewed: Date;
  expiration: Date;
  last_delivery_at: Date | null;
  last_delivery_result: string | null;
  last_delivery_status: number | null;
}

/** What a registration writes (insert or renewal). */
export interface EndpointFields {
  platform: "webPush" | "web";
  targetHostName: string | null;
  appDisplayName: string | null;
  deviceName: string | null;
  push: { endpoint: string; p256dh: string; auth: string; expiration: Date | null } | null;
  renewed: Date;
  expiration: Date;
}

export function findEndpointByPushUrlQuery(pushEndpoint: string): Sql {
  return {
    text: `SELECT id::text AS id, tenant_id, user_id FROM endpoints WHERE push_endpoint = $1 FOR UPDATE`,
    params: [pushEndpoint],
  };
}

export function insertEndpointQuery(owner: Owner, id: string, f: EndpointFields): Sql {
  return {
    text: `INSERT INTO endpoints (id, tenant_id, user_id, platform, target_host_name, app_display_name, device_name,
        push_endpoint, p256dh, auth, push_expiration, created, renewed, expiration)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13)
      RETURNING ${ENDPOINT_COLUMNS}`,
    params: [
      id, owner.tenantId, owner.userId, f.platform, f.targetHostName, f.appDisplayName, f.deviceName,
      f.push?.endpoint ?? null, f.push?.p256dh ?? null, f.push?.auth ?? null, f.push?.expiration ?? null,
      f.renewed, f.expiration,
    ],
  };
}

/** Renews the caller's own endpoint in place (same id): keys, names, renewal and expiry refreshed. */
export function renewEndpointQuery(owner: Owner, id: string, f: EndpointFields): Sql {
  return {
    text: `UPDATE endpoints SET platform = $4,
        target_host_name = coalesce($5, target_host_name), app_display_name = coalesce($6, app_display_name),
        device_name = coalesce($7, device_name),
        push_endpoint = $8, p256dh = $9, auth = $10, push_expiration = $11, renewed = $12, expiration = $13
      WHERE id = $1 AND tenant_id = $2 AND user_id = $3
      RETURNING ${ENDPOINT_COLUMNS}`,
    params: [
      id, owner.tenantId, owner.userId, f.platform, f.targetHostName, f.appDisplayName, f.deviceName,
      f.push?.endpoint ?? null, f.push?.p256dh ?? null, f.push?.auth ?? null, f.push?.expiration ?? null,
      f.renewed, f.expiration,
    ],
  };
}

export function listEndpointsQuery(owner: Owner, now: Date): Sql {
  return {
    text: `SELECT ${ENDPOINT_COLUMNS} FROM endpoints
      WHERE tenant_id = $1 AND user_id = $2 AND expiration > $3 ORDER BY created DESC, id`,
    params: [owner.tenantId, owner.userId, now],
  };
}

export function getEndpointQuery(owner: Owner, id: string, now: Date): Sql {
  return {
    text: `SELECT ${ENDPOINT_COLUMNS} FROM endpoints
      WHERE id = $1 AND tenant_id = $2 AND user_id = $3 AND expiration > $4`,
    params: [id, owner.tenantId, owner.userId, now],
  };
}

/** X-UNS-ID: a live endpoint of the sending app's tenant, whoever's it is. */
export function findEndpointInTenantQuery(tenantId: string, id: string, now: Date): Sql {
  return {
    text: `SELECT id::text AS id, tenant_id, user_id FROM endpoints WHERE id = $1 AND tenant_id = $2 AND expiration > $3`,
    params: [id, tenantId, now],
  };
}

/** Ids of the user's endpoints beyond the newest `keep` by renewal (all, expired ones included). */
export function endpointsBeyondLimitQuery(owner: Owner, keep: number): Sql {
  return {
    text: `SELECT id::text AS id FROM endpoints WHERE tenant_id = $1 AND user_id = $2
      ORDER BY renewed DESC, created DESC, id OFFSET $3`,
    params: [owner.tenantId, owner.userId, keep],
  };
}

export function deleteEndpointDeliveriesQuery(owner: Owner, ids: readonly string[]): Sql {
  return {
    text: `DELETE FROM push_deliveries WHERE endpoint_id = ANY($1::uuid[]) AND tenant_id = $2 AND user_id = $3`,
    params: [ids, owner.tenantId, owner.userId],
  };
}

/** The push service's host, from a push endpoint URL, in SQL. */
export const PUSH_SERVICE_HOST_SQL = "substring(push_endpoint from '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#]+)')";

/** Keeps what support needs to name a removed endpoint (removed_endpoints), from a CTE `gone` of deleted rows. */
function keepRemoved(reasonParam: string, atExpr: string): string {
  return `INSERT INTO removed_endpoints (tenant_id, user_id, id, platform, device_name, push_service_host, created, removed_at, reason)
      SELECT tenant_id, user_id, id, platform, device_name, ${PUSH_SERVICE_HOST_SQL}, created, ${atExpr}, ${reasonParam} FROM gone
      ON CONFLICT (tenant_id, user_id, id) DO UPDATE SET removed_at = EXCLUDED.removed_at, reason = EXCLUDED.reason`;
}

/** Removes endpoints, remembering each in removed_endpoints with why and when. */
export function deleteEndpointsQuery(owner: Owner, ids: readonly string[], reason: EndpointRemovalReason, now: Date): Sql {
  return {
    text: `WITH gone AS (
        DELETE FROM endpoints WHERE id = ANY($1::uuid[]) AND tenant_id = $2 AND user_id = $3
        RETURNING id, tenant_id, user_id, platform, device_name, push_endpoint, created),
      kept AS (${keepRemoved("$4", "$5::timestamptz")})
      SELECT id::text AS id FROM gone`,
    params: [ids, owner.tenantId, owner.userId, reason, now],
  };
}

export function purgeExpiredEndpointDeliveriesQuery(now: Date): Sql {
  return {
    text: `DELETE FROM push_deliveries d USING endpoints e
      WHERE d.user_id = e.user_id AND d.endpoint_id = e.id AND e.expiration <= $1`,
    params: [now],
  };
}

export function purgeExpiredEndpointsQuery(now: Date): Sql {
  return {
    text: `WITH gone AS (
        DELETE FROM endpoints WHERE expiration <= $1
        RETURNING id, tenant_id, user_id, platform, device_name, push_endpoint, created, expiration),
      kept AS (${keepRemoved("'expired'", "expiration")})
      SELECT count(*)::int AS purged FROM gone`,
    params: [now],
  };
}
