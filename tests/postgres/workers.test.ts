// PostgreSQL only (the "postgres" Vitest project): delivery workers as their
// own processes (`npm run worker`, issue 11). Two worker processes and an app
// instance with its worker off (PUSH_WORKER=off, in this process) share one
// database; the app is sent notifications for 50 users with 5 endpoints each on
// the fake push service (1,000 display pushes owed); one worker is killed with
// SIGKILL halfway through. Every (endpoint, notification) push must arrive,
// none twice beyond what was in flight at the kill; each event became one job
// although three dispatchers ran; the survivor stops cleanly on SIGTERM.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startIdp } from "../../idp";
import { API_AUDIENCE } from "../../contracts/identity";
import { TENANT_A } from "../../contracts/demo-users";
import type { PushPayload } from "../../contracts/push-payload";
import { RATE_LIMIT_OFF, loadConfig, type ServiceConfig } from "../../server/config";
import { startService, type Service } from "../../server";
import { startFakePushService, type FakePushService, type TestSubscription } from "../../testing/fake-push-service";
import { createTestStore, type TestStore } from "../../testing/test-database";
import { appToken } from "../../testing/tokens";

const USERS = 50;
const ENDPOINTS_PER_USER = 5;
const NOTIFICATIONS_PER_USER = 4;
const OWED = USERS * ENDPOINTS_PER_USER * NOTIFICATIONS_PER_USER;
/** Each push service answer takes this long (the first time), so the kill lands mid-fan-out. */
const ANSWER_DELAY_MS = 150;
/** A worker killed with SIGKILL is taken for dead after 3 heartbeats (here 1 s each). */
const HEARTBEAT_SECONDS = 1;

let root: string;
let idp: Awaited<ReturnType<typeof startIdp>>;
let fake: FakePushService;
let store: TestStore;
let service: Service;
const workers: Array<{ proc: ChildProcess; out: string[] }> = [];

function startWorkerProcess(config: ServiceConfig): Promise<{ proc: ChildProcess; out: string[] }> {
  return new Promise((resolve, reject) => {
    // `npm run worker`'s command, as one process (npx and tsx's CLI would each put a parent in front of
    // it, which a SIGKILL would end without ending the worker).
    const proc = spawn(process.execPath, ["--import", "tsx", "server/worker.ts"], {
      cwd: path.resolve(__dirname, "../.."),
      env: {
        ...process.env,
        DATABASE_URL: config.databaseUrl,
        VAPID_PUBLIC_KEY: config.vapid.publicKey,
        VAPID_PRIVATE_KEY: config.vapid.privateKey,
        VAPID_SUBJECT: config.vapid.subject,
        PUSH_SERVICES: fake.origin,
        // The fake push service's self-signed certificate, as the restart suite passes it.
        NODE_EXTRA_CA_CERTS: fake.caFile,
        PUSH_HEARTBEAT_SECONDS: String(HEARTBEAT_SECONDS),
        DATA_DIR: path.join(root, "worker"),
        METRICS_PORT: "off",
        TEST_DATABASE_URL: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: string[] = [];
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${out.join("")}`)), 30_000);
    proc.stdout!.on("data", (chunk: Buffer) => {
      out.push(chunk.toString());
      if (/\[worker\] \S+ delivering pushes/.test(out.join(""))) {
        clearTimeout(timer);
        resolve({ proc, out });
      }
    });
    proc.stderr!.on("data", (chunk: Buffer) => out.push(chunk.toString()));
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}:\n${out.join("")}`));
    });
  });
}

async function sql<T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: store.config.databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "pg-workers-"));
  fake = await startFakePushService();
  idp = await startIdp({ port: 0, dataDir: root, appOrigins: ["http://localhost:3999"] });
  store = await createTestStore(path.join(root, "app"));
});

afterAll(async () => {
  for (const w of workers) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill("SIGKILL");
  await service?.close();
  await store?.close();
  await idp?.close();
  await fake?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

it("two worker processes, one killed mid-fan-out: every push arrives, none twice beyond what was in flight", async () => {
  const t0 = Date.now();
  const config: ServiceConfig = {
    ...loadConfig({} as NodeJS.ProcessEnv),
    ...store.config,
    issuer: idp.issuer,
    audience: API_AUDIENCE,
    seedDemo: false,
    extraPushServices: [fake.origin],
    pushWorker: false,
    // A thousand sends from one app token in seconds: far past the rate limits, which are not what this tests.
    rateLimit: RATE_LIMIT_OFF,
  };
  // The app first: it migrates; the workers find the schema done.
  service = await startService(config);
  workers.push(...(await Promise.all([startWorkerProcess(config), startWorkerProcess(config)])));
  const token = await appToken(idp.issuer, idp.senderSecret);

  // 50 users with 5 endpoints each, straight into the store (the API would need each user's token).
  const users = Array.from({ length: USERS }, () => randomUUID());
  const subs = new Map<string, TestSubscription[]>();
  for (const u of users) subs.set(u, Array.from({ length: ENDPOINTS_PER_USER }, () => fake.createSubscription()));
  const all = [...subs.entries()].flatMap(([u, list]) => list.map((s) => ({ u, s })));
  const now = new Date();
  await sql(
    `INSERT INTO endpoints (id, tenant_id, user_id, platform, target_host_name, app_display_name, device_name,
       push_endpoint, p256dh, auth, created, renewed, expiration)
     SELECT gen_random_uuid(), $1, e.user_id, 'webPush', 'tests.contoso.test', 'Inbox', 'test', e.url, e.p256dh, e.auth, $2, $2, $3
     FROM unnest($4::text[], $5::text[], $6::text[], $7::text[]) AS e(user_id, url, p256dh, auth)`,
    [
      TENANT_A,
      now,
      new Date(now.getTime() + 86_400_000),
      all.map((a) => a.u),
      all.map((a) => a.s.endpoint),
      all.map((a) => a.s.keys.p256dh),
      all.map((a) => a.s.keys.auth),
    ],
  );
  for (const { s } of all) {
    fake.respond(s.endpoint, ...Array.from({ length: NOTIFICATIONS_PER_USER }, () => ({ status: 201, delayMs: ANSWER_DELAY_MS })));
  }

  // The app is sent the notifications (as an app server does) while the workers deliver.
  const owed = new Set<string>();
  const post = async (u: string, n: number) => {
    const res = await service.fetch(
      new Request(`http://localhost/graph/beta/users/${u}/notifications`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ targetHostName: "tests.contoso.test", payload: { visualContent: { title: `Build ${n}` } } }),
      }),
    );
    expect(res.status, await res.clone().text()).toBe(201);
    const { id } = (await res.json()) as { id: string };
    for (const s of subs.get(u)!) owed.add(`${s.endpoint} ${id}`);
  };
  for (let n = 0; n < NOTIFICATIONS_PER_USER; n++) await Promise.all(users.map((u) => post(u, n)));
  expect(owed.size).toBe(OWED);

  // Halfway, the worker holding the most jobs dies.
  await until("half of the pushes", () => fake.deliveries().length >= OWED / 2, 30_000);
  const holders = await sql<{ pid: number; n: number }>(
    `SELECT w.pid, count(c.job_id)::int AS n FROM push_workers w LEFT JOIN push_job_claims c ON c.worker_id = w.id
      GROUP BY w.pid ORDER BY n DESC`,
  );
  const victim = workers.find((w) => w.proc.pid === holders[0]?.pid);
  expect(victim, JSON.stringify(holders)).toBeDefined();
  // In flight at the kill: sends accepted by the push service whose answer no worker has recorded yet
  // (results are written in batches), and sends not answered yet (an answer may get out as it dies).
  const [{ recorded }] = (await sql<{ recorded: number }>("SELECT count(*)::int AS recorded FROM push_deliveries WHERE status = 'delivered'")) as [
    { recorded: number },
  ];
  const deliveredAtKill = fake.deliveries().length;
  const unansweredAtKill = fake.requests().filter((r) => r.status === undefined).length;
  const jobsHeld = holders[0]!.n;
  victim!.proc.kill("SIGKILL");
  await new Promise((r) => victim!.proc.once("exit", r));

  // The survivor's sweep hands the dead worker's jobs over once its heartbeat is 3 s old.
  const key = (d: { endpoint: string; json: unknown }) => `${d.endpoint} ${(d.json as PushPayload).notification.id}`;
  await until("every push owed", () => new Set(fake.deliveries().map(key)).size >= OWED, 40_000);
  await service.push.idle({ timeoutMs: 20_000 });
  await new Promise((r) => setTimeout(r, 500));

  const got = fake.deliveries();
  const counts = new Map<string, number>();
  for (const d of got) counts.set(key(d), (counts.get(key(d)) ?? 0) + 1);
  expect([...owed].filter((k) => !counts.has(k))).toEqual([]);
  expect([...counts.keys()].filter((k) => !owed.has(k))).toEqual([]);
  const duplicates = got.length - counts.size;
  const inFlightBound = deliveredAtKill - recorded + unansweredAtKill;
  console.log(
    `[workers test] ${OWED} pushes owed, ${got.length} delivered, ${duplicates} duplicate(s); at the kill: ${deliveredAtKill} delivered ` +
      `(${deliveredAtKill - recorded} not yet recorded), ${unansweredAtKill} send(s) unanswered, ${jobsHeld} job(s) held by the ` +
      `killed worker; ${Date.now() - t0} ms in all`,
  );
  expect(duplicates).toBeLessThanOrEqual(inFlightBound);
  expect(fake.rejected()).toEqual([]);

  // Three dispatchers (the app's and each worker's) ran: every event still became one job.
  const jobs = await sql<{ jobs: number; events: number }>(
    `SELECT count(*)::int AS jobs, count(DISTINCT data->>'seq')::int AS events FROM (
       SELECT data FROM pgboss.job WHERE name = 'push-delivery' UNION ALL SELECT data FROM pgboss.archive WHERE name = 'push-delivery'
     ) j WHERE data->'endpointIds' IS NULL`,
  );
  expect(jobs).toEqual([{ jobs: USERS * NOTIFICATIONS_PER_USER, events: USERS * NOTIFICATIONS_PER_USER }]);
  // Nothing is left running or claimed; the dead worker's row went with its jobs.
  expect(await sql("SELECT state FROM pgboss.job WHERE name = 'push-delivery' AND state <> 'completed'")).toEqual([]);
  expect(await sql("SELECT job_id FROM push_job_claims")).toEqual([]);
  const survivor = workers.find((w) => w !== victim)!;
  expect((await sql<{ pid: number }>("SELECT pid FROM push_workers")).map((r) => r.pid)).toEqual([survivor.proc.pid]);

  // SIGTERM: a clean stop, which removes the worker's row.
  survivor.proc.kill("SIGTERM");
  const code = await new Promise<number | null>((r) => survivor.proc.once("exit", (c) => r(c)));
  expect(code, survivor.out.join("")).toBe(0);
  expect(await sql("SELECT id FROM push_workers")).toEqual([]);
}, 90_000);
