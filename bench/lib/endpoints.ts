// Writes a user's endpoints straight into the store for the push benchmarks:
// each a real subscription of the fake push service (the API caps a user at 50).
import { randomUUID } from "node:crypto";
import type { Db } from "../../server/store/db";
import type { TestSubscription } from "../../testing/fake-push-service";

/** Replaces the user's endpoints (and their delivery rows) with `subs`. */
export async function setEndpoints(db: Db, tenantId: string, userId: string, subs: TestSubscription[]): Promise<void> {
  await db.query("DELETE FROM push_deliveries WHERE user_id = $1 AND tenant_id = $2", [userId, tenantId]);
  await db.query("DELETE FROM endpoints WHERE user_id = $1 AND tenant_id = $2", [userId, tenantId]);
  const now = new Date();
  const expires = new Date(now.getTime() + 60 * 86400_000);
  for (let i = 0; i < subs.length; i += 1000) {
    const chunk = subs.slice(i, i + 1000);
    await db.query(
      `INSERT INTO endpoints (id, tenant_id, user_id, platform, target_host_name, app_display_name, device_name,
         push_endpoint, p256dh, auth, created, renewed, expiration)
       SELECT e.id, $1, $2, 'webPush', 'bench.contoso.test', 'Bench', 'bench', e.url, e.p256dh, e.auth, $3, $3, $4
       FROM unnest($5::uuid[], $6::text[], $7::text[], $8::text[]) AS e(id, url, p256dh, auth)`,
      [
        tenantId,
        userId,
        now,
        expires,
        chunk.map(() => randomUUID()),
        chunk.map((s) => s.endpoint),
        chunk.map((s) => s.keys.p256dh),
        chunk.map((s) => s.keys.auth),
      ],
    );
  }
  await db.exec("VACUUM (ANALYZE) endpoints");
}
