// PostgreSQL only: the deployment README's "Running on PostgreSQL" describes —
// an owning role runs `npm run migrate`, grants the service's role what the
// README's GRANTs say (read from the README itself, so they stay true), and
// the service runs as that role: it works, it holds only INSERT and SELECT on
// the access log (UPDATE, DELETE, TRUNCATE are refused by the database's
// privileges, before any trigger), and maintenance still prunes old entries
// through migration 8's function, which runs with the owner's rights.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIdp } from "../../idp";
import { API_AUDIENCE } from "../../contracts/identity";
import { SUPPORT_REASON_HEADER } from "../../contracts/support";
import { loadConfig } from "../../server/config";
import { startService, type Service } from "../../server";
import webpush from "web-push";
import { createTestDatabase, type TestDatabase } from "../../testing/test-database";
import { userToken } from "../../testing/tokens";
import { users } from "../../testing/users";

const repo = path.resolve(__dirname, "../..");
const { megan: MEGAN, sam: SAM } = users;

let root: string;
let idp: Awaited<ReturnType<typeof startIdp>>;
let database: TestDatabase;
let appUrl: string;
let appRole: string;
let service: Service;

/** The README's GRANT block (after `<!-- app-role-grants -->`), for this database and role. */
async function readmeGrants(dbName: string, role: string): Promise<string> {
  const readme = await readFile(path.join(repo, "README.md"), "utf8");
  const m = /<!-- app-role-grants -->\s*```sql\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error("README.md has no ```sql block after <!-- app-role-grants -->");
  return m[1]!.replace(/\bnotifications_app\b/g, role).replace(/\bON DATABASE notifications\b/g, `ON DATABASE ${dbName}`);
}

async function asRole<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function run(cmd: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0]!, cmd.slice(1), { cwd: repo, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, out }));
  });
}

beforeAll(async () => {
  const base = process.env.TEST_DATABASE_APP_URL;
  if (!base) throw new Error("TEST_DATABASE_APP_URL is not set: run through scripts/test-postgres.sh");
  root = await mkdtemp(path.join(os.tmpdir(), "pg-app-role-"));
  idp = await startIdp({ port: 0, dataDir: root, appOrigins: ["http://localhost:3999"] });
  database = await createTestDatabase();
  const u = new URL(base);
  appRole = decodeURIComponent(u.username);
  u.pathname = `/${database.name}`;
  appUrl = u.toString();

  // 1. The owner migrates (the store's migrations and pg-boss's schema).
  const migrated = await run([process.execPath, "--import", "tsx", "server/migrate.ts"], { DATABASE_URL: database.url });
  expect(migrated.code, migrated.out).toBe(0);
  expect(migrated.out).toMatch(/applied migration\(s\) 1, 2, .*the delivery queue is installed/);
  // 2. The owner grants the service's role what the README says.
  const grants = await readmeGrants(database.name, appRole);
  await asRole(database.url, (c) => c.query(grants));
  // 3. The service runs as that role.
  service = await startService({
    ...loadConfig({} as NodeJS.ProcessEnv),
    dataDir: path.join(root, "service"),
    databaseUrl: appUrl,
    vapid: { ...webpush.generateVAPIDKeys(), subject: "mailto:app-role-tests@contoso.test" },
    issuer: idp.issuer,
    audience: API_AUDIENCE,
    seedDemo: false,
  });
}, 120_000);

afterAll(async () => {
  await service?.close();
  await database?.drop();
  await idp?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

async function call(token: string, p: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await service.fetch(
    new Request(`http://localhost/graph/beta${p}`, {
      method: init.method ?? "GET",
      headers: { authorization: `Bearer ${token}`, ...(init.body ? { "content-type": "application/json" } : {}), ...init.headers },
      body: init.body ? JSON.stringify(init.body) : undefined,
    }),
  );
  return { status: res.status, text: await res.text() };
}

const accessLogRows = () => asRole(appUrl, async (c) => (await c.query<{ n: number }>("SELECT count(*)::int AS n FROM access_log")).rows[0]!.n);

describe("the service's own role, granted as the README says", () => {
  it("runs the service: sends, reads, support reads with their access log entry", async () => {
    expect(service.store.appliedMigrations).toEqual([]);
    const megan = await userToken(idp.issuer, MEGAN.upn);
    const sam = await userToken(idp.issuer, SAM.upn);
    const sent = await call(megan, "/me/notifications", { method: "POST", body: { targetHostName: "tests.contoso.test", payload: { visualContent: { title: "Hello" } } } });
    expect(sent.status, sent.text).toBe(201);
    expect((await call(megan, "/me/notifications")).status).toBe(200);
    const read = await call(sam, `/users/${MEGAN.oid}/notifications`, { headers: { [SUPPORT_REASON_HEADER]: "ticket 42" } });
    expect(read.status, read.text).toBe(200);
    expect(await accessLogRows()).toBe(1);
  });

  it("keeps its rate-limit counters in the shared table (migration 13), not only in its memory", async () => {
    const rights = await asRole(appUrl, async (c) =>
      (
        await c.query<{ privilege: string; held: boolean }>(
          `SELECT p AS privilege, has_table_privilege(current_user, 'rate_limits', p) AS held FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) AS p`,
        )
      ).rows,
    );
    expect(rights.every((r) => r.held), JSON.stringify(rights)).toBe(true);
    // The first test's requests were counted there, through the service's own role.
    const counted = await asRole(appUrl, async (c) => (await c.query<{ n: number }>("SELECT count(*)::int AS n FROM rate_limits WHERE key LIKE 'caller:%'")).rows[0]!.n);
    expect(counted).toBeGreaterThan(0);
  });

  it("holds only INSERT and SELECT on the access log: UPDATE, DELETE and TRUNCATE are refused by privilege", async () => {
    const rights = await asRole(appUrl, async (c) =>
      (
        await c.query<{ privilege: string; held: boolean }>(
          `SELECT p AS privilege, has_table_privilege(current_user, 'access_log', p) AS held
             FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p`,
        )
      ).rows,
    );
    expect(Object.fromEntries(rights.map((r) => [r.privilege, r.held]))).toEqual({
      SELECT: true, INSERT: true, UPDATE: false, DELETE: false, TRUNCATE: false, REFERENCES: false, TRIGGER: false,
    });
    for (const statement of ["UPDATE access_log SET reason = 'nothing to see'", "DELETE FROM access_log", "TRUNCATE access_log"]) {
      await expect(asRole(appUrl, (c) => c.query(statement)), statement).rejects.toMatchObject({ code: "42501", message: expect.stringMatching(/permission denied/) });
    }
    // Not even with the maintenance setting: the privilege is missing, whatever the trigger would say.
    await expect(
      asRole(appUrl, async (c) => {
        await c.query("BEGIN");
        await c.query("SELECT set_config('notifications.prune_access_log', 'on', true)");
        await c.query("DELETE FROM access_log WHERE at < now() - interval '400 days'");
      }),
    ).rejects.toMatchObject({ code: "42501" });
    expect(await accessLogRows()).toBe(1);
  });

  it("still lets maintenance prune entries past 400 days, and only those (the owner's function)", async () => {
    await asRole(appUrl, (c) =>
      c.query(
        `INSERT INTO access_log (tenant_id, user_id, id, at, actor_id, route, reason, request_id)
          VALUES ($1, $2, $3, now() - interval '401 days', $4, 'GET /users/x', 'old', 'r')`,
        [MEGAN.tenantId, MEGAN.oid, randomUUID(), SAM.oid],
      ),
    );
    expect(await accessLogRows()).toBe(2);
    await service.runMaintenance();
    expect(await accessLogRows()).toBe(1);
  });

  it("cannot apply a migration itself: it says to run npm run migrate with the owner's URL", async () => {
    const { migrate } = await import("../../server/store/migrations");
    const { openPostgresDb } = await import("../../server/store/drivers/postgres");
    const db = await openPostgresDb(appUrl);
    try {
      await expect(migrate(db, [{ version: 1000, name: "needs the owner", sql: "CREATE TABLE owner_only (x int)" }])).rejects.toThrow(
        /Migration 1000 \(needs the owner\) needs the schema owner's rights.*npm run migrate/,
      );
    } finally {
      await db.close();
    }
  });
});
