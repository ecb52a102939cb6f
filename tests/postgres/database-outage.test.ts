// PostgreSQL only (the "postgres" Vitest project): an instance whose database
// goes away — every connection ended (pg_terminate_backend) and no new one
// allowed (ALLOW_CONNECTIONS false) — keeps running: /readyz answers 503 with
// Retry-After naming the database, Graph requests answer Graph's 503
// serviceNotAvailable with Retry-After (not a 500), a scrape still answers (without
// the queue gauges); and once the database takes connections again, the same
// process is ready and serves again, with no restart.
import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { serve } from "@hono/node-server";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_AUDIENCE } from "../../contracts/identity";
import { startIdp } from "../../idp";
import { startService, type Service } from "../../server";
import { loadConfig, type ServiceConfig } from "../../server/config";
import { withHealthChecks } from "../../server/health";
import { createTestStore, testDatabaseUrl, type TestStore } from "../../testing/test-database";
import { userToken } from "../../testing/tokens";
import { users } from "../../testing/users";

let root: string;
let idp: Awaited<ReturnType<typeof startIdp>>;
let store: TestStore;
let config: ServiceConfig;
let service: Service;
let server: Server;
let origin: string;
let token: string;
/** The test role on its own database: it owns the service's database, so it may close it and end its connections. */
let admin: pg.Client;
let database: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "pg-outage-"));
  idp = await startIdp({ port: 0, dataDir: root, appOrigins: ["http://localhost:3999"] });
  store = await createTestStore(path.join(root, "service"));
  config = { ...loadConfig({} as NodeJS.ProcessEnv), ...store.config, issuer: idp.issuer, audience: API_AUDIENCE, seedDemo: false };
  database = new URL(config.databaseUrl!).pathname.slice(1);
  service = await startService(config, { metricsListener: { port: 0 } });
  await new Promise<void>((resolve, reject) => {
    server = serve({ fetch: withHealthChecks(service, { timeoutMs: 1000 }), port: 0, hostname: "127.0.0.1" }, (info) => {
      origin = `http://127.0.0.1:${info.port}`;
      resolve();
    }) as Server;
    server.once("error", reject);
  });
  token = await userToken(idp.issuer, users.adele.upn);
  admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
});

afterAll(async () => {
  await admin?.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`).catch(() => undefined);
  await admin?.end().catch(() => undefined);
  if (server) {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
  await service?.close();
  await store?.close();
  await idp?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

const graph = (method: string, p: string, body?: unknown) =>
  fetch(`${origin}/graph/beta${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });

const ready = async () => {
  const res = await fetch(`${origin}/readyz`);
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: (await res.json()) as Record<string, unknown> };
};

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("an instance whose database goes away", () => {
  it("answers 503 with Retry-After (readiness and Graph alike) while it is gone, and serves again once it is back", { timeout: 120_000 }, async () => {
    const created = await graph("POST", "/me/notifications", { targetHostName: "tests.contoso.test", payload: { visualContent: { title: "Before" } } });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { id: string }).id;
    expect((await ready()).status).toBe(200);

    // The database goes away: no new connections, and every open one ended.
    await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
    const ended = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database]);
    expect(ended.rowCount).toBeGreaterThan(0);

    const notReady = await eventually(ready, (r) => r.status === 503);
    expect(notReady).toEqual({
      status: 503,
      retryAfter: "5",
      body: { status: "unavailable", failed: ["database"], checks: { service: "ok", database: "failed", queue: "skipped" } },
    });

    for (const [method, p, body] of [
      ["GET", "/me/notifications", undefined],
      ["GET", `/me/notifications/${id}`, undefined],
      ["PATCH", `/me/notifications/${id}`, { readState: "read" }],
      ["POST", "/me/notifications", { targetHostName: "tests.contoso.test", payload: { visualContent: { title: "During" } } }],
    ] as const) {
      const res = await graph(method, p, body);
      expect(res.status, `${method} ${p}`).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect(res.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
      expect(await res.json()).toMatchObject({ error: { code: "serviceNotAvailable", innerError: { "request-id": res.headers.get("request-id") } } });
    }

    // A scrape still answers: without the queue gauges, which cannot be read; with the process's metrics.
    const scraped = await fetch(service.metricsUrl!);
    expect(scraped.status).toBe(200);
    const text = await scraped.text();
    expect(text).toContain("# TYPE notifications_push_queue_jobs gauge");
    expect(text).not.toMatch(/^notifications_push_queue_(jobs|oldest_due_seconds)\b/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^notifications_http_requests_total\{route="\/me\/notifications",method="GET",status="503"\} 1$/m);

    // The database is back: the same process is ready and serves again.
    await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
    const back = await eventually(ready, (r) => r.status === 200);
    expect(back).toEqual({ status: 200, retryAfter: null, body: { status: "ready", checks: { service: "ok", database: "ok", queue: "ok" } } });
    const read = await graph("GET", `/me/notifications/${id}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id, readState: "unread" });
    expect((await graph("PATCH", `/me/notifications/${id}`, { readState: "read" })).status).toBe(200);
  });
});
