// Health and metrics on every instance (README "Health and metrics"):
// /healthz and /readyz at the origin's root, answered over real HTTP the way
// `npm run service` serves them (withHealthChecks in front of the service);
// /metrics in Prometheus's text format on a listener of its own, never on the
// public one: requests by route pattern, push deliveries by push service and
// result, the live streams and the delivery queue. And `npm run service`
// itself, started as a process, serves all three.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer as createNetServer, type Server as NetServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { serve } from "@hono/node-server";
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { API_AUDIENCE } from "../../contracts/identity";
import { startIdp } from "../../idp";
import { startService, type Service } from "../../server";
import { loadConfig, validateConfig, type ServiceConfig } from "../../server/config";
import { readiness, withHealthChecks } from "../../server/health";
import { pushServiceLabel } from "../../server/metrics";
import { startFakePushService, type FakePushService } from "../../testing/fake-push-service";
import { openStream } from "../../testing/sse";
import { createTestStore, type TestStore } from "../../testing/test-database";
import { userToken } from "../../testing/tokens";
import { users } from "../../testing/users";

const repo = path.resolve(__dirname, "../..");

interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** The samples of one metric in Prometheus's text format. */
function samples(text: string, name: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ labels, value: Number(m[3]) });
  }
  return out;
}

/** One sample's value (0 when the series does not exist yet, as for a counter never incremented). */
function valueOf(text: string, name: string, labels: Record<string, string> = {}): number {
  const found = samples(text, name).find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found?.value ?? 0;
}

function listen(fetch: (req: Request) => Promise<Response>): Promise<{ server: Server; origin: string }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: 0, hostname: "127.0.0.1" }, (info) => resolve({ server: server as Server, origin: `http://127.0.0.1:${info.port}` })) as Server;
    server.once("error", reject);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

let root: string;
let idp: Awaited<ReturnType<typeof startIdp>>;
let fake: FakePushService;
let testStore: TestStore;
let config: ServiceConfig;
let service: Service;
let server: Server;
let origin: string;
let adele: string;

const scrape = async (): Promise<string> => {
  const res = await fetch(service.metricsUrl!);
  expect(res.status).toBe(200);
  return res.text();
};

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "health-metrics-"));
  fake = await startFakePushService();
  idp = await startIdp({ port: 0, dataDir: root, appOrigins: ["http://localhost:3999"] });
  testStore = await createTestStore("memory://");
  config = {
    ...loadConfig({} as NodeJS.ProcessEnv),
    ...testStore.config,
    issuer: idp.issuer,
    audience: API_AUDIENCE,
    seedDemo: false,
    extraPushServices: [fake.origin],
  };
  service = await startService(config, { metricsListener: { port: 0 }, push: { ca: fake.caPem, delivery: { backoffBaseMs: 100 } } });
  ({ server, origin } = await listen(withHealthChecks(service, { timeoutMs: 500 })));
  adele = await userToken(idp.issuer, users.adele.upn);
});

afterAll(async () => {
  if (server) await closeServer(server);
  await service?.close();
  await testStore?.close();
  await idp?.close();
  await fake?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("/healthz and /readyz", () => {
  it("/healthz: 200 {status: ok}, uncached", async () => {
    const res = await fetch(`${origin}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ status: "ok" });
    expect((await fetch(`${origin}/healthz`, { method: "HEAD" })).status).toBe(200);
  });

  it("/readyz: 200 when the database and the push queue answer", async () => {
    const res = await fetch(`${origin}/readyz`);
    expect(res.status).toBe(200);
    expect(res.headers.get("retry-after")).toBeNull();
    expect(await res.json()).toEqual({ status: "ready", checks: { service: "ok", database: "ok", queue: "ok" } });
  });

  it("/readyz: 503 with Retry-After, naming the database, when its query fails", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const query = vi.spyOn(service.store.db, "query").mockRejectedValueOnce(new Error("connection refused (test)"));
    try {
      const res = await fetch(`${origin}/readyz`);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect(await res.json()).toEqual({ status: "unavailable", failed: ["database"], checks: { service: "ok", database: "failed", queue: "skipped" } });
      // The reason is logged, not sent.
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/not ready: database: connection refused \(test\)/));
      expect((await fetch(`${origin}/readyz`)).status).toBe(200);
    } finally {
      query.mockRestore();
      warn.mockRestore();
      log.mockRestore();
    }
  });

  it("/readyz: 503 when the database does not answer in time, or the queue's query fails", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const real = service.store.db.query.bind(service.store.db);
    const query = vi.spyOn(service.store.db, "query");
    try {
      query.mockImplementationOnce(() => new Promise(() => {}));
      const slow = await fetch(`${origin}/readyz`);
      expect(slow.status).toBe(503);
      expect(slow.headers.get("retry-after")).toBe("5");
      expect(await slow.json()).toMatchObject({ failed: ["database"], checks: { database: "timeout", queue: "skipped" } });

      query.mockImplementation((text, params) => (/pgboss\.queue/.test(text) ? Promise.reject(new Error("no schema (test)")) : real(text, params)));
      const noQueue = await fetch(`${origin}/readyz`);
      expect(noQueue.status).toBe(503);
      expect(await noQueue.json()).toEqual({ status: "unavailable", failed: ["queue"], checks: { service: "ok", database: "ok", queue: "failed" } });
    } finally {
      query.mockRestore();
      warn.mockRestore();
      log.mockRestore();
    }
  });

  it("/readyz: 503 once the service's store is closed", async () => {
    const other = await startService({ ...config });
    const { server: otherServer, origin: otherOrigin } = await listen(withHealthChecks(other, { timeoutMs: 500 }));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      expect((await fetch(`${otherOrigin}/readyz`)).status).toBe(200);
      await other.close();
      const res = await fetch(`${otherOrigin}/readyz`);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect(await res.json()).toMatchObject({ status: "unavailable", failed: ["database"], checks: { database: "failed" } });
      // /healthz still says the process runs.
      expect((await fetch(`${otherOrigin}/healthz`)).status).toBe(200);
    } finally {
      warn.mockRestore();
      await closeServer(otherServer);
      await other.close();
    }
  });

  it("the service's own paths still go to the service", async () => {
    const res = await fetch(`${origin}/graph/beta/me/notifications`);
    expect(res.status).toBe(401);
    expect((await fetch(`${origin}/readyz`, { method: "POST" })).status).toBe(404);
  });
});

describe("/metrics", () => {
  it("is served in Prometheus's text format on its own listener, with the process's default metrics", async () => {
    expect(service.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(service.metricsUrl!);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain("# TYPE notifications_http_requests_total counter");
    expect(text).toContain("# TYPE notifications_http_request_duration_seconds histogram");
    expect(text).toContain("# TYPE notifications_push_deliveries_total counter");
    expect(samples(text, "process_cpu_user_seconds_total")).toHaveLength(1);
    expect(samples(text, "nodejs_eventloop_lag_seconds")).toHaveLength(1);
    // Nothing else is served there.
    expect((await fetch(service.metricsUrl!.replace(/\/metrics$/, "/"))).status).toBe(404);
    expect((await fetch(service.metricsUrl!, { method: "POST" })).status).toBe(405);
  });

  it("is not served on the public listener", async () => {
    const res = await fetch(`${origin}/metrics`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("notifications_http_requests_total");
    expect((await fetch(`${origin}/graph/beta/metrics`)).status).toBe(404);
  });

  it("counts requests by route pattern, method and status, and times them", async () => {
    const before = await scrape();
    const list = { route: "/me/notifications", method: "GET", status: "200" };
    const item = { route: "/me/notifications/:id", method: "GET", status: "404" };
    const anonymous = { route: "/me/notifications", method: "GET", status: "401" };
    const unmatched = { route: "unmatched", method: "GET", status: "404" };

    const auth = { authorization: `Bearer ${adele}` };
    expect((await fetch(`${origin}/graph/beta/me/notifications`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${origin}/graph/beta/me/notifications`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${origin}/graph/beta/me/notifications/00000000-0000-4000-8000-000000000001`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${origin}/graph/beta/me/notifications`)).status).toBe(401);
    expect((await fetch(`${origin}/graph/beta/nowhere/at/all`)).status).toBe(404);

    const after = await scrape();
    const name = "notifications_http_requests_total";
    expect(valueOf(after, name, list) - valueOf(before, name, list)).toBe(2);
    expect(valueOf(after, name, item) - valueOf(before, name, item)).toBe(1);
    expect(valueOf(after, name, anonymous) - valueOf(before, name, anonymous)).toBe(1);
    expect(valueOf(after, name, unmatched) - valueOf(before, name, unmatched)).toBe(1);
    // The raw path (the id) is never a label.
    expect(after).not.toContain("00000000-0000-4000-8000-000000000001");
    const count = "notifications_http_request_duration_seconds_count";
    const timed = { route: "/me/notifications", method: "GET" };
    expect(valueOf(after, count, timed) - valueOf(before, count, timed)).toBe(3);
  });

  it("counts push deliveries by push service and result", async () => {
    const sub = fake.createSubscription();
    const created = await fetch(`${origin}/graph/beta/me/notifications/subscriptions`, {
      method: "POST",
      headers: { authorization: `Bearer ${adele}`, "content-type": "application/json" },
      body: JSON.stringify({ platform: "webPush", targetHostName: "tests.contoso.test", appDisplayName: "Inbox", pushSubscription: sub }),
    });
    expect(created.status).toBe(201);
    const label = pushServiceLabel(sub.endpoint);
    expect(label).toBe(new URL(fake.origin).host);
    const delivered = { push_service: label, result: "delivered" };
    const gone = { push_service: label, result: "gone" };
    const before = await scrape();

    const send = async (title: string) => {
      const res = await fetch(`${origin}/graph/beta/me/notifications`, {
        method: "POST",
        headers: { authorization: `Bearer ${adele}`, "content-type": "application/json" },
        body: JSON.stringify({ targetHostName: "tests.contoso.test", payload: { visualContent: { title } } }),
      });
      expect(res.status).toBe(201);
      await service.push.idle({ includeScheduledRetries: true });
    };
    await send("Delivered");
    fake.respond(sub.endpoint, { status: 410 });
    await send("Gone");

    const after = await scrape();
    const name = "notifications_push_deliveries_total";
    expect(valueOf(after, name, delivered) - valueOf(before, name, delivered)).toBe(1);
    expect(valueOf(after, name, gone) - valueOf(before, name, gone)).toBe(1);
  });

  it("reports open live streams and the delivery queue when scraped", async () => {
    const streams = "notifications_live_streams";
    expect(valueOf(await scrape(), streams)).toBe(0);
    const stream = await openStream(`${origin}/graph/beta/me/notifications/stream`, adele);
    try {
      expect(stream.status).toBe(200);
      expect(valueOf(await scrape(), streams)).toBe(1);
    } finally {
      stream.close();
    }
    await until(async () => valueOf(await scrape(), streams) === 0);

    const text = await scrape();
    for (const state of ["due", "scheduled", "active"]) {
      const [sample] = samples(text, "notifications_push_queue_jobs").filter((s) => s.labels.state === state);
      expect(sample?.value, state).toBeGreaterThanOrEqual(0);
    }
    expect(samples(text, "notifications_push_queue_oldest_due_seconds")[0]?.value).toBeGreaterThanOrEqual(0);

    // A due job no worker has taken (the worker's fetches find nothing meanwhile) shows in
    // the depth and the oldest job's wait; a retry waiting out its backoff is scheduled.
    const real = service.store.db.query.bind(service.store.db);
    const fetches = vi
      .spyOn(service.store.db, "query")
      .mockImplementation((text, params) => (/SKIP LOCKED/i.test(text) ? Promise.resolve({ rows: [], affectedRows: 0 }) : real(text, params)));
    try {
      await service.store.db.query(
        `INSERT INTO pgboss.job (name, data, state, start_after, created_on) VALUES
           ('push-delivery', '{"seq":"999999998"}', 'created', now() - interval '30 seconds', now() - interval '30 seconds'),
           ('push-delivery', '{"seq":"999999999","endpointIds":[]}', 'retry', now() + interval '1 hour', now())`,
      );
      const queued = await scrape();
      expect(valueOf(queued, "notifications_push_queue_jobs", { state: "due" })).toBe(1);
      expect(valueOf(queued, "notifications_push_queue_jobs", { state: "scheduled" })).toBe(1);
      expect(valueOf(queued, "notifications_push_queue_oldest_due_seconds")).toBeGreaterThanOrEqual(29);
    } finally {
      fetches.mockRestore();
    }
    // The worker takes the due one (an event that does not exist: nothing to send); the scheduled one goes.
    await service.push.idle();
    await service.store.db.query("DELETE FROM pgboss.job WHERE name = 'push-delivery' AND data->>'seq' = '999999999'");
  });

  it("a port that cannot be bound is logged, and the service runs without metrics", async () => {
    const taken: NetServer = createNetServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    const port = (taken.address() as { port: number }).port;
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const other = await startService({ ...config }, { metricsListener: { port, host: "127.0.0.1" } });
    try {
      expect(other.metricsUrl).toBeUndefined();
      expect(error).toHaveBeenCalledWith(expect.stringMatching(new RegExp(`^\\[metrics\\] cannot listen on 127\\.0\\.0\\.1:${port} .*EADDRINUSE`)));
      expect((await readiness(other)).status).toBe(200);
    } finally {
      error.mockRestore();
      await other.close();
      await new Promise((r) => taken.close(r));
    }
  });
});

describe("METRICS_PORT and METRICS_HOST", () => {
  it("default to 127.0.0.1:9464, off with an in-memory store or when set off; 0 takes any free port", () => {
    expect(loadConfig({ DATA_DIR: "/srv/notifications" })).toMatchObject({ metricsPort: 9464, metricsHost: "127.0.0.1" });
    expect(loadConfig({ DATA_DIR: "memory://" }).metricsPort).toBeUndefined();
    expect(loadConfig({ DATA_DIR: "memory://", METRICS_PORT: "9100" }).metricsPort).toBe(9100);
    expect(loadConfig({ METRICS_PORT: "off" }).metricsPort).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: "0", METRICS_HOST: "0.0.0.0" })).toMatchObject({ metricsPort: 0, metricsHost: "0.0.0.0" });
    expect(validateConfig(loadConfig({ DATA_DIR: "memory://", METRICS_PORT: "9100", METRICS_HOST: "::" }), {})).toEqual([]);
  });

  it("a bad value is one clear sentence each", () => {
    for (const bad of ["nine", "70000", "-1", "9464/metrics"]) {
      const env = { DATA_DIR: "memory://", METRICS_PORT: bad };
      expect(validateConfig(loadConfig(env), env)).toEqual([`METRICS_PORT must be a port number (0-65535) or 'off': got '${bad}'.`]);
    }
    const env = { DATA_DIR: "memory://", METRICS_HOST: "http://0.0.0.0:9464" };
    expect(validateConfig(loadConfig(env), env)).toEqual([expect.stringMatching(/^METRICS_HOST must be a host name or an IP address .*got 'http:\/\/0\.0\.0\.0:9464'\.$/)]);
  });
});

describe("npm run service", () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
  });

  it("serves /healthz and /readyz at its root and /metrics on METRICS_PORT only", { timeout: 90_000 }, async () => {
    const proc = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
      cwd: repo,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: "test",
        DATA_DIR: "memory://",
        SERVICE_PORT: "0",
        SERVICE_HOST: "127.0.0.1",
        METRICS_PORT: "0",
        SEED_DEMO: "0",
      } as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    let output = "";
    const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
    const seen = new Promise<{ origin: string; metrics: string }>((resolve, reject) => {
      const onData = (d: Buffer) => {
        output += d.toString();
        const service = /\[service\] listening on http:\/\/localhost:(\d+)\//.exec(output);
        const metrics = /\[metrics\] serving (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(output);
        if (service && metrics) resolve({ origin: `http://127.0.0.1:${service[1]}`, metrics: metrics[1]! });
      };
      proc.stdout!.on("data", onData);
      proc.stderr!.on("data", onData);
      void exited.then((code) => reject(new Error(`npm run service exited (${code}):\n${output}`)));
    });
    const { origin: serviceOrigin, metrics } = await seen;

    const health = await fetch(`${serviceOrigin}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${serviceOrigin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready" });
    expect((await fetch(`${serviceOrigin}/graph/beta/me/notifications`)).status).toBe(401);
    expect((await fetch(`${serviceOrigin}/metrics`)).status).toBe(404);

    const text = await (await fetch(metrics)).text();
    expect(valueOf(text, "notifications_http_requests_total", { route: "/me/notifications", method: "GET", status: "401" })).toBe(1);
    expect(samples(text, "notifications_live_streams")).toEqual([{ labels: {}, value: 0 }]);
    expect(samples(text, "notifications_push_queue_jobs").map((s) => s.labels.state).sort()).toEqual(["active", "due", "scheduled"]);

    proc.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
