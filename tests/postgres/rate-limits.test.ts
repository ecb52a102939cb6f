// PostgreSQL only: rate limits hold across instances. Two instances on one
// database count every caller, recipient and client address in the same
// windows (migration 13's rate_limits), maintenance deletes windows that have
// ended, and counters the database cannot keep fall back to each instance's
// memory: requests are still served, not refused.
import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { serve } from "@hono/node-server";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIdp } from "../../idp";
import { API_AUDIENCE } from "../../contracts/identity";
import { loadConfig, type ServiceConfig } from "../../server/config";
import { startService, type Service } from "../../server";
import { createTestStore, type TestStore } from "../../testing/test-database";
import { appToken, userToken } from "../../testing/tokens";
import { users } from "../../testing/users";

const { adele, megan } = users;
let root: string;
let idp: Awaited<ReturnType<typeof startIdp>>;
let store: TestStore;
let config: ServiceConfig;
const services: Service[] = [];
const servers: Server[] = [];
/** Each instance's base URL. */
let a: string;
let b: string;

function listen(service: Service): Promise<string> {
  return new Promise((resolve) => {
    const server = serve({ fetch: (req, env) => service.fetch(req, env), port: 0, hostname: "127.0.0.1" }, (info) =>
      resolve(`http://127.0.0.1:${info.port}/graph/beta`),
    ) as Server;
    servers.push(server);
  });
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "pg-rate-limits-"));
  idp = await startIdp({ port: 0, dataDir: root, appOrigins: ["http://localhost:3999"] });
  store = await createTestStore(path.join(root, "service"));
  config = {
    ...loadConfig({} as NodeJS.ProcessEnv),
    ...store.config,
    issuer: idp.issuer,
    audience: API_AUDIENCE,
    seedDemo: false,
    // Callers: 6 per 3 s; recipients: 4 per 4 s; 3 refused tokens a minute. One proxy trusted, so
    // each test's client address is the X-Forwarded-For entry it sends.
    rateLimit: { enabled: true, perSecond: 2, burst: 6, recipientPerSecond: 1, recipientBurst: 4, failedAuthPerMinute: 3 },
    trustProxy: 1,
  };
  const [first, second] = [await startService(config), await startService(config)];
  services.push(first, second);
  [a, b] = await Promise.all([listen(first), listen(second)]);
}, 120_000);

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  await Promise.all(services.map((s) => s.close()));
  await store?.close();
  await idp?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

async function sql<T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: config.databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

async function get(base: string, token: string | undefined, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}/me/notifications`, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
}

async function expect429(res: Response): Promise<void> {
  expect(res.status).toBe(429);
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe("activityLimitReached");
}

describe("rate limits shared by two instances on one database", () => {
  it("counts a caller's requests to either instance in one window", async () => {
    const token = await userToken(idp.issuer, megan.upn);
    for (const base of [a, b, a, b, a, b]) expect((await get(base, token)).status).toBe(200);
    await expect429(await get(a, token));
    await expect429(await get(b, token));
    // Each instance wrote the one request that went over, and refuses the rest of the window from memory.
    for (const base of [a, b, a, b]) await expect429(await get(base, token));
    const rows = await sql<{ key: string; points: number }>("SELECT key, points FROM rate_limits WHERE key LIKE 'caller:%'");
    expect(rows).toEqual([{ key: `caller:user:${megan.tenantId}:${megan.oid}`, points: 8 }]);
  });

  it("counts sends to one recipient through either instance together", async () => {
    const app = await appToken(idp.issuer, idp.senderSecret);
    const send = (base: string) =>
      fetch(`${base}/users/${adele.oid}/notifications`, {
        method: "POST",
        headers: { authorization: `Bearer ${app}`, "content-type": "application/json" },
        body: JSON.stringify({ targetHostName: "tests.contoso.test", payload: { visualContent: { title: "Shared" } } }),
      });
    for (const base of [a, b, a, b]) expect((await send(base)).status).toBe(201);
    await expect429(await send(b));
    await expect429(await send(a));
    expect(await sql("SELECT count(*)::int AS n FROM notifications WHERE user_id = $1", [adele.oid])).toEqual([{ n: 4 }]);
  });

  it("counts an address's refused tokens on either instance; each instance refuses it before verifying once it has met the count", async () => {
    const token = await userToken(idp.issuer, adele.upn);
    const from = { "x-forwarded-for": "198.51.100.50" };
    const bad = (base: string) => get(base, undefined, { ...from, authorization: "Bearer wrong" });
    expect((await bad(a)).status).toBe(401);
    expect((await bad(a)).status).toBe(401);
    expect((await bad(b)).status).toBe(401);
    await expect429(await bad(a));
    await expect429(await get(a, token, from));
    // B has not yet met this address over its count; its next refused token does.
    await expect429(await bad(b));
    await expect429(await get(b, token, from));
  });

  it("maintenance deletes counters whose window ended, and keeps the running ones", async () => {
    await sql("INSERT INTO rate_limits (key, points, expire) VALUES ('caller:stale', 3, $1)", [Date.now() - 5 * 60_000]);
    const running = (await sql<{ n: number }>("SELECT count(*)::int AS n FROM rate_limits WHERE expire > $1", [Date.now() + 5_000]))[0]!.n;
    expect(running).toBeGreaterThan(0);
    await services[0]!.runMaintenance();
    expect(await sql("SELECT key FROM rate_limits WHERE key = 'caller:stale'")).toEqual([]);
    expect((await sql<{ n: number }>("SELECT count(*)::int AS n FROM rate_limits WHERE expire > $1", [Date.now() + 5_000]))[0]!.n).toBe(running);
  });

  it("serves requests from each instance's memory while the shared counters cannot be written", async () => {
    const token = await userToken(idp.issuer, users.sam.upn);
    await sql("ALTER TABLE rate_limits RENAME TO rate_limits_away");
    try {
      for (let i = 0; i < 3; i++) expect((await get(a, token)).status).toBe(200);
      // Still limited, by the instance's own count.
      for (let i = 0; i < 3; i++) expect((await get(a, token)).status).toBe(200);
      await expect429(await get(a, token));
    } finally {
      await sql("ALTER TABLE rate_limits_away RENAME TO rate_limits");
    }
  });
});
