// PostgreSQL only (the "postgres" Vitest project): several service instances
// on one database. Two started at once on an empty database both come up,
// every migration ran exactly once (the advisory lock), the lock is free again
// afterwards, and what one instance writes the other serves.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIdp } from "../../idp";
import { API_AUDIENCE } from "../../contracts/identity";
import { loadConfig, type ServiceConfig } from "../../server/config";
import { startService, type Service } from "../../server";
import { MIGRATIONS, MIGRATION_LOCK_KEY } from "../../server/store/migrations";
import { createTestStore, type TestStore } from "../../testing/test-database";
import { userToken } from "../../testing/tokens";
import { users } from "../../testing/users";

let root: string;
let idp: Awaited<ReturnType<typeof startIdp>>;
let store: TestStore;
let config: ServiceConfig;
const services: Service[] = [];

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "pg-instances-"));
  idp = await startIdp({ port: 0, dataDir: root, appOrigins: ["http://localhost:3999"] });
  store = await createTestStore(path.join(root, "service"));
  config = { ...loadConfig({} as NodeJS.ProcessEnv), ...store.config, issuer: idp.issuer, audience: API_AUDIENCE, seedDemo: false };
});

afterAll(async () => {
  await Promise.all(services.map((s) => s.close()));
  await store?.close();
  await idp?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

async function sql<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: config.databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe("two instances starting at once on one empty database", () => {
  it("both come up, the migrations ran once, and the migration lock is free again", async () => {
    const started = await Promise.all([startService(config), startService(config)]);
    services.push(...started);

    // One instance migrated everything; the other waited for the lock and found it done.
    const applied = started.map((s) => s.store.appliedMigrations).sort((a, b) => b.length - a.length);
    expect(applied).toEqual([MIGRATIONS.map((m) => m.version), []]);
    const recorded = await sql<{ version: number; n: number }>("SELECT version, count(*)::int AS n FROM schema_migrations GROUP BY version ORDER BY version");
    expect(recorded).toEqual(MIGRATIONS.map((m) => ({ version: m.version, n: 1 })));
    // pg-boss's schema, installed by whichever got its lock first, holds the queue once.
    expect(await sql("SELECT name FROM pgboss.queue")).toEqual([{ name: "push-delivery" }]);

    // No session holds the migration lock any more: another one takes it at once.
    const [lock] = await sql<{ taken: boolean }>(
      `SELECT pg_try_advisory_lock(${MIGRATION_LOCK_KEY}) AS taken, pg_advisory_unlock(${MIGRATION_LOCK_KEY})`,
    );
    expect(lock?.taken).toBe(true);
  }, 120_000);

  it("serve one truth: a notification written through one is read, changed and counted through the other", async () => {
    const [a, b] = services as [Service, Service];
    const token = await userToken(idp.issuer, users.adele.upn);
    const call = async (s: Service, method: string, p: string, body?: unknown) => {
      const res = await s.fetch(
        new Request(`http://localhost/graph/beta${p}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        }),
      );
      return { status: res.status, body: res.headers.get("content-type")?.includes("json") ? ((await res.json()) as Record<string, unknown>) : await res.text() };
    };
    const created = await call(a, "POST", "/me/notifications", { targetHostName: "tests.contoso.test", payload: { visualContent: { title: "One truth" } } });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    expect((await call(b, "GET", `/me/notifications/${id}`)).body).toMatchObject({ id, readState: "unread" });
    expect((await call(b, "PATCH", `/me/notifications/${id}`, { readState: "read" })).status).toBe(200);
    expect((await call(a, "GET", `/me/notifications/${id}`)).body).toMatchObject({ id, readState: "read" });
    const unread = encodeURIComponent("readState eq 'unread'");
    expect((await call(a, "GET", `/me/notifications/$count?$filter=${unread}`)).body).toBe("0");
  });
});
