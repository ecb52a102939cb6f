// Endpoints: one browser installation (or device) of a user, optionally with a
// Web Push subscription. Registration is idempotent on the push endpoint URL,
// a push endpoint belongs to one user at a time, and a user keeps at most
// MAX_ENDPOINTS_PER_USER endpoints.
import { randomUUID } from "node:crypto";
import type { Db, Queryable } from "../store/db";
import {
  deleteEndpointDeliveriesQuery,
  deleteEndpointsQuery,
  endpointsBeyondLimitQuery,
  findEndpointByPushUrlQuery,
  getEndpointQuery,
  insertEndpointQuery,
  listEndpointsQuery,
  purgeExpiredEndpointDeliveriesQuery,
  purgeExpiredEndpointsQuery,
  renewEndpointQuery,
  findEndpointInTenantQuery,
  type EndpointFields,
  type EndpointRow,
} from "./queries";
import type { EndpointRemovalReason } from "../../contracts/support";
import type { Owner } from "../notifications/queries";

const DAY_MS = 86_400_000;
/** An endpoint not re-registered for this long is gone (contract: 60 days). */
export const ENDPOINT_LIFETIME_MS = 60 * DAY_MS;
/**
 * At most this many endpoints per user. Registering one more evicts the
 * least recently renewed: a user who reinstalls browsers over months should
 * never be locked out by endpoints that are long dead, and the one evicted is
 * the one least likely to still be in use.
 */
export const MAX_ENDPOINTS_PER_USER = 50;

export interface Registration {
  platform: "webPush" | "web";
  targetHostName: string | null;
  appDisplayName: string | null;
  deviceName: string | null;
  push: { endpoint: string; p256dh: string; auth: string; expiration: Date | null } | null;
  /** A `web` endpoint the caller registered before (its id), to renew instead of adding another. */
  renewId: string | null;
}

export interface RegisterOutcome {
  row: EndpointRow;
  /** True when a new endpoint (new id) was created; false for a renewal of the caller's own. */
  created: boolean;
  /** Endpoint ids removed by this registration (a takeover, or the per-user limit). */
  removed: string[];
}

export async function registerEndpoint(db: Db, owner: Owner, reg: Registration, now: Date): Promise<RegisterOutcome> {
  let expiration = new Date(now.getTime() + ENDPOINT_LIFETIME_MS);
  // A browser-declared subscription expiry earlier than ours ends it sooner.
  if (reg.push?.expiration && reg.push.expiration < expiration) expiration = reg.push.expiration;
  const fields: EndpointFields = {
    platform: reg.platform,
    targetHostName: reg.targetHostName,
    appDisplayName: reg.appDisplayName,
    deviceName: reg.deviceName,
    push: reg.push,
    renewed: now,
    expiration,
  };
  try {
    return await registerOnce(db, owner, reg, fields);
  } catch (err) {
    // Two first registrations of one push URL at once (PostgreSQL runs them in
    // parallel): the loser hits the unique index; rerun, it is then a renewal.
    if ((err as { code?: unknown }).code !== "23505") throw err;
    return registerOnce(db, owner, reg, fields);
  }
}

async function registerOnce(db: Db, owner: Owner, reg: Registration, fields: EndpointFields): Promise<RegisterOutcome> {
  return db.transaction(async (tx) => {
    const removed: string[] = [];
    const remove = async (o: Owner, id: string, reason: EndpointRemovalReason) => {
      removed.push(...(await removeEndpoints(tx, o, [id], reason, fields.renewed)));
    };

    let renewId: string | null = null;
    if (reg.push) {
      const f = findEndpointByPushUrlQuery(reg.push.endpoint);
      const holder = (await tx.query<{ id: string; tenant_id: string; user_id: string }>(f.text, f.params)).rows[0];
      if (holder && holder.tenant_id === owner.tenantId && holder.user_id === owner.userId) {
        renewId = holder.id;
      } else if (holder) {
        // A shared browser signed in as someone else: the push subscription now
        // reaches this user, so the previous owner's row (and id) must go, or
        // their notifications would keep arriving here.
        await remove({ tenantId: holder.tenant_id, userId: holder.user_id }, holder.id, "takenOver");
      }
    }
    if (renewId === null && reg.renewId !== null) {
      const g = getEndpointQuery(owner, reg.renewId, new Date(0));
      const own = (await tx.query<EndpointRow>(g.text, g.params)).rows[0];
      // Only a push-less row is renewed by id: a push row is identified by its URL alone.
      if (own && own.push_endpoint === null) renewId = own.id;
    }

    let row: EndpointRow | undefined;
    if (renewId !== null) {
      const r = renewEndpointQuery(owner, renewId, fields);
      row = (await tx.query<EndpointRow>(r.text, r.params)).rows[0];
    }
    const created = row === undefined;
    if (!row) {
      const i = insertEndpointQuery(owner, randomUUID(), fields);
      row = (await tx.query<EndpointRow>(i.text, i.params)).rows[0]!;
    }
    const over = endpointsBeyondLimitQuery(owner, MAX_ENDPOINTS_PER_USER);
    for (const { id } of (await tx.query<{ id: string }>(over.text, over.params)).rows) await remove(owner, id, "limit");
    return { row, created, removed };
  });
}

export async function listEndpoints(db: Queryable, owner: Owner, now: Date): Promise<EndpointRow[]> {
  const sql = listEndpointsQuery(owner, now);
  return (await db.query<EndpointRow>(sql.text, sql.params)).rows;
}

export async function getEndpoint(db: Db, owner: Owner, id: string, now: Date): Promise<EndpointRow | undefined> {
  const sql = getEndpointQuery(owner, id, now);
  return (await db.query<EndpointRow>(sql.text, sql.params)).rows[0];
}

/**
 * Removes the owner's endpoints among `ids` with their delivery working state
 * (run it in a transaction), remembering why for support; returns the ids that
 * were theirs and are gone.
 */
export async function removeEndpoints(
  tx: Queryable,
  owner: Owner,
  ids: readonly string[],
  reason: EndpointRemovalReason,
  now: Date,
): Promise<string[]> {
  const d = deleteEndpointDeliveriesQuery(owner, ids);
  await tx.query(d.text, d.params);
  const e = deleteEndpointsQuery(owner, ids, reason, now);
  return (await tx.query<{ id: string }>(e.text, e.params)).rows.map((r) => r.id);
}

/** Removes the caller's endpoint and its delivery records; false when it is not theirs (or not there). */
export async function deleteEndpoint(db: Db, owner: Owner, id: string, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => (await removeEndpoints(tx, owner, [id], "removed", now)).length > 0);
}

/** Whether the owner's endpoint exists and has not expired (an id that is not a GUID never does). */
export async function isEndpointLive(db: Db, owner: Owner, id: string, now: Date): Promise<boolean> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return false;
  return (await getEndpoint(db, owner, id.toLowerCase(), now)) !== undefined;
}

/** The owner of a live endpoint in `tenantId` (X-UNS-ID); undefined for unknown, expired or another tenant's. */
export async function findEndpointOwner(db: Db, tenantId: string, id: string, now: Date): Promise<Owner | undefined> {
  const sql = findEndpointInTenantQuery(tenantId, id, now);
  const row = (await db.query<{ tenant_id: string; user_id: string }>(sql.text, sql.params)).rows[0];
  return row ? { tenantId: row.tenant_id, userId: row.user_id } : undefined;
}

/** Maintenance: removes endpoints past their expiry, with their delivery records. Returns endpoints removed. */
export async function purgeExpiredEndpoints(db: Db, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const d = purgeExpiredEndpointDeliveriesQuery(now);
    await tx.query(d.text, d.params);
    const e = purgeExpiredEndpointsQuery(now);
    return (await tx.query<{ purged: number }>(e.text, e.params)).rows[0]!.purged;
  });
}
