// The schema is keyed to be distributed by one column, user_id, as Citus does
// (docs/architecture.md, "Sharding"): every user-owned table's primary key
// leads with it, and so does every index, except the global ones the
// document names, each for a statement that is not one user's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../server/store/store";

/** Tables that belong to one user each, and the column that names the user. */
const USER_TABLES: Record<string, string> = {
  users: "id",
  notifications: "user_id",
  notification_removals: "user_id",
  notification_events: "user_id",
  endpoints: "user_id",
  push_deliveries: "user_id",
  delivery_steps: "user_id",
  removed_endpoints: "user_id",
  access_log: "user_id",
  user_counters: "user_id",
};

/** Indexes that do not lead with the user, and the statements that need them (docs/architecture.md). */
const GLOBAL_INDEXES: Record<string, string> = {
  users_upn: "a user by UPN within a tenant",
  notifications_expiration: "the expiry purge",
  notifications_snoozed: "snoozed items waking up",
  notification_removals_age: "history pruning",
  notification_events_age: "history pruning",
  notification_events_undispatched: "the push outbox's scan",
  endpoints_push_endpoint: "a push URL's one owner (the takeover)",
  endpoints_id: "an endpoint by id (X-UNS-ID)",
  endpoints_expiration: "expired endpoints' purge",
  push_deliveries_age: "history pruning",
  delivery_steps_age: "history pruning",
  removed_endpoints_age: "history pruning",
  access_log_tenant: "support's tenant-wide access log",
  access_log_age: "access log pruning",
};

let store: Store;

beforeAll(async () => {
  store = await openStore({ dataDir: "memory://sharding", databaseUrl: undefined });
});

afterAll(async () => {
  await store?.close();
});

async function indexes(): Promise<{ table: string; index: string; primary: boolean; first: string }[]> {
  const { rows } = await store.db.query<{ table: string; index: string; primary: boolean; first: string }>(
    `SELECT t.relname AS table, i.relname AS index, x.indisprimary AS primary,
        COALESCE(a.attname, '(expression)') AS first
      FROM pg_index x
      JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
      LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
      WHERE t.relname = ANY($1::text[])
      ORDER BY 1, 2`,
    [Object.keys(USER_TABLES)],
  );
  return rows;
}

describe("keys for sharding by user_id", () => {
  it("every user-owned table has a primary key that leads with its user column", async () => {
    const all = await indexes();
    for (const [table, column] of Object.entries(USER_TABLES)) {
      const pk = all.find((i) => i.table === table && i.primary);
      expect(pk, `${table} has a primary key`).toBeDefined();
      expect(pk?.first, `${table}'s primary key`).toBe(column);
    }
  });

  it("every other index leads with the user too, except the named global ones", async () => {
    const offenders = (await indexes())
      .filter((i) => i.first !== USER_TABLES[i.table] && !(i.index in GLOBAL_INDEXES))
      .map((i) => `${i.table}.${i.index} (leads with ${i.first})`);
    expect(offenders).toEqual([]);
  });

  it("the global list names only indexes that exist", async () => {
    const names = new Set((await indexes()).map((i) => i.index));
    expect(Object.keys(GLOBAL_INDEXES).filter((n) => !names.has(n))).toEqual([]);
  });
});
