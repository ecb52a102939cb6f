// Bulk seed by SQL straight through the store's Db: one INSERT … SELECT over
// generate_series per population, with the column values the service itself
// writes on POST (same defaults, a change_seq from the same sequence), so the
// service reads these rows exactly as it reads its own.
import { PLATFORM_TYPES } from "../contracts/notification";
import type { Queryable } from "../server/store/db";

export interface SeedPlan {
  tenantId: string;
  /** The measured user (a demo user the local provider signs in). */
  bigUser: { oid: string; upn: string; name: string };
  big: number;
  users: number;
  perUser: number;
}

export interface SeedResult {
  /** oids of the ordinary users, in order (deterministic from their number). */
  userIds: string[];
  rows: number;
}

/** Stable, distinct GUIDs numbered from 1, never a demo user's oid. */
export function benchUserId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

// Mixed states as a real inbox has them: a third read, every 10th dismissed,
// every 7th activated, ten groups, all three priorities. Created times step
// back from now so "newest first" has a total order; every row expires 30 days
// after creation, so all are live (created within the last 25 days).
const NOTIFICATION_COLUMNS = `(id, tenant_id, user_id, target_host_name, app_notification_id, group_name, title, body,
  raw_content, priority, display_until, expiration, platform_types, fallback_policy, read_state, action_state,
  snoozed_until, status, created, last_modified, last_modified_endpoint, change_seq)`;

/** `platformsParam`: the $n holding the service's default platform list (no targetPolicy sent). */
function notificationSelect(userExpr: string, gExpr: string, stepSql: string, platformsParam: string): string {
  return `SELECT gen_random_uuid(), $1, ${userExpr}, 'bench.contoso.test', NULL,
    'group-' || (${gExpr} % 10), 'Notification ' || ${gExpr}, 'Body of notification ' || ${gExpr} || ' for the benchmark',
    NULL, (ARRAY['High','Low','None'])[1 + (${gExpr} / 3) % 3], NULL,
    c.created + interval '30 days', ${platformsParam}::text[], NULL,
    CASE WHEN ${gExpr} % 3 = 0 THEN 'read' ELSE 'unread' END,
    CASE WHEN ${gExpr} % 10 = 0 THEN 'dismissed' WHEN ${gExpr} % 7 = 0 THEN 'activated' ELSE 'noInteraction' END,
    NULL, 'active', c.created, c.created, NULL, nextval('notification_change_seq')
  FROM ${stepSql}`;
}

export async function seed(db: Queryable, plan: SeedPlan): Promise<SeedResult> {
  const now = new Date().toISOString();
  await db.query(
    `INSERT INTO users (tenant_id, id, upn, display_name, first_seen, last_seen)
     VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (tenant_id, id) DO NOTHING`,
    [plan.tenantId, plan.bigUser.oid, plan.bigUser.upn, plan.bigUser.name, now],
  );

  // The big inbox: one row every 7 s back from now (100,000 rows ≈ 8 days).
  await db.query(
    `INSERT INTO notifications ${NOTIFICATION_COLUMNS}
     ${notificationSelect("$2", "g", `generate_series(1, $3::int) g,
       LATERAL (SELECT $4::timestamptz - g * interval '7 seconds' AS created) c`, "$5")}`,
    [plan.tenantId, plan.bigUser.oid, plan.big, now, [...PLATFORM_TYPES]],
  );

  const userIds = Array.from({ length: plan.users }, (_, i) => benchUserId(i + 1));
  if (plan.users > 0) {
    await db.query(
      `INSERT INTO users (tenant_id, id, upn, display_name, first_seen, last_seen)
       SELECT $1, u.id, 'bench' || u.n || '@contoso.test', 'Bench User ' || u.n, $3, $3
       FROM unnest($2::text[]) WITH ORDINALITY AS u(id, n)
       ON CONFLICT (tenant_id, id) DO NOTHING`,
      [plan.tenantId, userIds, now],
    );
    if (plan.perUser > 0) {
      // Each ordinary user's rows step back 1 h at a time, interleaved by user.
      await db.query(
        `INSERT INTO notifications ${NOTIFICATION_COLUMNS}
         ${notificationSelect("u.id", "g", `unnest($2::text[]) AS u(id), generate_series(1, $3::int) g,
           LATERAL (SELECT $4::timestamptz - g * interval '1 hour' - (random() * interval '1 hour') AS created) c`, "$5")}`,
        [plan.tenantId, userIds, plan.perUser, now, [...PLATFORM_TYPES]],
      );
    }
  }
  // Fresh statistics, so the planner sees the real table and not an empty one.
  await db.query("ANALYZE notifications");
  await db.query("ANALYZE users");
  const { rows } = await db.query<{ n: string | number }>("SELECT count(*) AS n FROM notifications");
  return { userIds, rows: Number(rows[0]!.n) };
}
