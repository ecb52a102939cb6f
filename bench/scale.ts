// npm run bench:scale — the service scaled out on PostgreSQL, in one run:
//  1. POST throughput and list latency against one, then two app instances
//     (`npm run service` processes, PUSH_WORKER=off) on one database;
//  2. fan-out sends/s with one, then two delivery workers (`npm run worker`
//     processes) to a loopback fake push service in a process of its own;
//  3. bench:api's table on PostgreSQL beside PGlite (bench/api.ts run twice,
//     smaller than its default run).
// Needs PostgreSQL: `npm run bench:scale` runs it through
// scripts/test-postgres.sh, which provides a throwaway role (TEST_DATABASE_URL).
// Prints markdown and writes bench/results/scale-<date>.md.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import webpush from "web-push";
import { startIdp } from "../idp/index";
import { DEMO_USERS } from "../contracts/demo-users";
import { openStore, type Store } from "../server/store/store";
import { seed } from "../testing/bulk-seed";
import { ensureTestCertificate } from "../testing/test-certificate";
import { createTestDatabase, testDatabaseUrl } from "../testing/test-database";
import { appToken, userToken } from "../testing/tokens";
import { startFakeProcess, type FakeClient } from "./lib/push-fake-client";
import { setEndpoints } from "./lib/endpoints";
import { freePort } from "./lib/free-port";
import { markdownTable } from "./lib/report";
import { percentile, sampleConcurrent, summarize } from "./lib/stats";

const log = (line: string) => process.stderr.write(`${line}\n`);
const POSTS = Number(process.env.BENCH_SCALE_POSTS ?? 2000);
const LISTS = Number(process.env.BENCH_SCALE_LISTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_SCALE_CONCURRENCY ?? 16);
const FANOUT = Number(process.env.BENCH_SCALE_FANOUT ?? 5000);
const FANOUT_RUNS = Number(process.env.BENCH_SCALE_FANOUT_RUNS ?? 3);
const API_ARGS = (process.env.BENCH_SCALE_API_ARGS ?? "--big 20000 --users 200 --per-user 50 --iterations 100 --posts 300").split(" ");

// The workers trust the fake push service's certificate through NODE_EXTRA_CA_CERTS, read at start.
const cert = ensureTestCertificate();
if (process.env.NODE_EXTRA_CA_CERTS !== cert.certFile) {
  const r = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, NODE_EXTRA_CA_CERTS: cert.certFile },
  });
  process.exit(r.status ?? 1);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const fmt = (v: number, digits = 0) => v.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

interface Proc {
  child: ChildProcess;
  /** The service's base URL (instances only). */
  base?: string;
  stop(): Promise<void>;
}

function launch(script: string, env: Record<string, string>, name: string): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Only its failures are shown.
  child.stderr?.on("data", (d: Buffer) => {
    const text = d.toString();
    if (!/Unsupported runtime/.test(text)) process.stderr.write(`[${name}] ${text}`);
  });
  child.stdout?.resume();
  return child;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
    });
}

async function startInstance(env: Record<string, string>, name: string): Promise<Proc> {
  const port = await freePort();
  const child = launch("server/main.ts", { ...env, SERVICE_PORT: String(port), SERVICE_HOST: "127.0.0.1", PUSH_WORKER: "off" }, name);
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    const ready = await fetch(`${origin}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`${name} was not ready in 60 s`);
    await sleep(100);
  }
  return { child, base: `${origin}/graph/beta`, stop: stopper(child) };
}

async function startWorkerProcess(env: Record<string, string>, name: string): Promise<Proc> {
  const child = launch("server/worker.ts", env, name);
  // Ready once it has registered (its heartbeat row).
  return { child, stop: stopper(child) };
}

async function call(url: string, token: string, method: string, body: unknown, expect: number): Promise<void> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== expect) throw new Error(`${method} ${url} → ${res.status}: ${text.slice(0, 300)}`);
}

async function waitForPushes(fake: FakeClient, count: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await fake.stats();
    if (s.accepted >= count) return s.lastAt!;
    if (s.rejected > 0) throw new Error(`the fake push service refused ${s.rejected} push(es)`);
    if (Date.now() > deadline) throw new Error(`only ${s.accepted}/${count} pushes after ${timeoutMs} ms`);
    await sleep(10);
  }
}

/** bench/api.ts in a child process on one engine: its table (the lines from the header row on). */
function apiTable(engine: "PGlite" | "PostgreSQL"): string {
  log(`bench:api on ${engine} (${API_ARGS.join(" ")})…`);
  const r = spawnSync(process.execPath, ["--import", "tsx", "bench/api.ts", ...API_ARGS, "--no-write"], {
    env: { ...process.env, TEST_DATABASE_URL: engine === "PostgreSQL" ? testDatabaseUrl()! : "" },
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`bench:api on ${engine} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  const lines = r.stdout.split("\n");
  const start = lines.findIndex((l) => l.startsWith("| operation") || l.startsWith("|operation") || /^\|\s*operation/i.test(l));
  return (start >= 0 ? lines.slice(start) : lines).join("\n").trim();
}

async function main(): Promise<void> {
  if (!testDatabaseUrl()) throw new Error("bench:scale needs PostgreSQL: run it as `npm run bench:scale` (scripts/test-postgres.sh provides one).");
  const wall0 = performance.now();
  const load0 = os.loadavg()[0]!;
  const root = await mkdtemp(path.join(os.tmpdir(), "bench-scale-"));
  const fake = await startFakeProcess();
  const idp = await startIdp({ port: 0, dataDir: root, appOrigins: ["http://localhost:3999"] });
  const database = await createTestDatabase();
  const keys = webpush.generateVAPIDKeys();
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    ISSUER: idp.issuer,
    VAPID_PUBLIC_KEY: keys.publicKey,
    VAPID_PRIVATE_KEY: keys.privateKey,
    VAPID_SUBJECT: "mailto:bench@localhost",
    PUSH_SERVICES: fake.origin,
    SEED_DEMO: "0",
    METRICS_PORT: "off",
    // Thousands of sends from one app token: the rate limits would be what is measured.
    RATE_LIMIT: "off",
    DATA_DIR: path.join(root, "service"),
    NODE_EXTRA_CA_CERTS: cert.certFile,
  };
  const procs: Proc[] = [];
  let store: Store | undefined;
  try {
    // The store, migrated and seeded from here; the processes find it ready.
    store = await openStore({ dataDir: env.DATA_DIR!, databaseUrl: database.url });
    const big = DEMO_USERS.find((u) => u.seedInbox)!;
    const seeded = await seed(store.db, { tenantId: big.tenantId, bigUser: { oid: big.oid, upn: big.upn, name: big.name }, big: 10_000, users: 1_000, perUser: 10 });
    log(`seeded ${fmt(seeded.rows)} notifications`);
    const userTok = await userToken(idp.issuer, big.upn);
    const appTok = await appToken(idp.issuer, idp.senderSecret);
    const recipients = seeded.userIds;

    // 1. App instances.
    const instanceRows: string[][] = [];
    for (const n of [1, 2]) {
      const instances = await Promise.all(Array.from({ length: n }, (_, i) => startInstance(env, `instance ${i + 1}`)));
      procs.push(...instances);
      const baseOf = (i: number) => instances[i % n]!.base!;
      // Warm-up: JIT, token caches, plans, pools.
      await sampleConcurrent(200, CONCURRENCY, (i) => call(`${baseOf(i)}/me/notifications?$top=50`, userTok, "GET", undefined, 200));
      const post = (i: number) =>
        call(`${baseOf(i)}/users/${recipients[i % recipients.length]}/notifications`, appTok, "POST", {
          targetHostName: "bench.contoso.test",
          payload: { visualContent: { title: `Scale ${n}/${i}`, body: "Sent by npm run bench:scale" } },
        }, 201);
      const posts = await sampleConcurrent(POSTS, CONCURRENCY, post);
      const lists = await sampleConcurrent(LISTS, CONCURRENCY, (i) => call(`${baseOf(i)}/me/notifications?$top=50`, userTok, "GET", undefined, 200));
      const p = summarize(posts.latencies);
      const l = summarize(lists.latencies);
      instanceRows.push([
        `${n} app instance${n > 1 ? "s" : ""}`,
        fmt((POSTS / posts.wallMs) * 1000),
        `${fmt(p.p50, 1)} / ${fmt(p.p99, 1)}`,
        fmt((LISTS / lists.wallMs) * 1000),
        `${fmt(l.p50, 1)} / ${fmt(l.p99, 1)}`,
      ]);
      log(`${n} instance(s): POST ${instanceRows.at(-1)![1]}/s, list p99 ${fmt(l.p99, 1)} ms`);
      await Promise.all(instances.map((i) => i.stop()));
      procs.length = 0;
    }

    // 2. Delivery workers: one notification to FANOUT endpoints of one user.
    const sender = DEMO_USERS[0]!;
    const senderTok = await userToken(idp.issuer, sender.upn);
    const subs = await fake.subscribe(FANOUT);
    await setEndpoints(store.db, sender.tenantId, sender.oid, subs);
    const app = await startInstance(env, "fan-out instance");
    procs.push(app);
    const workerRows: string[][] = [];
    for (const n of [1, 2]) {
      const workers = await Promise.all(Array.from({ length: n }, (_, i) => startWorkerProcess(env, `worker ${i + 1}`)));
      procs.push(...workers);
      // Until every worker has registered its heartbeat.
      for (;;) {
        const { rows } = await store.db.query<{ n: number }>("SELECT count(*)::int AS n FROM push_workers");
        if (rows[0]!.n >= n) break;
        await sleep(100);
      }
      const times: number[] = [];
      for (let run = -1; run < FANOUT_RUNS; run++) {
        await fake.reset();
        const t0 = Date.now();
        await call(`${app.base}/me/notifications`, senderTok, "POST", { targetHostName: "bench.contoso.test", payload: { visualContent: { title: `Fan-out ${n}/${run}` } } }, 201);
        const last = await waitForPushes(fake, FANOUT, 180_000);
        // Run -1 warms the workers up (JIT, TLS sessions); it is not counted.
        if (run >= 0) times.push(last - t0);
        log(`${n} worker(s), run ${run + 1}: ${fmt(last - t0)} ms`);
        await sleep(500);
      }
      times.sort((a, b) => a - b);
      const p50 = percentile(times, 50);
      workerRows.push([`${n} worker${n > 1 ? "s" : ""}`, String(times.length), fmt((FANOUT / p50) * 1000), fmt(p50), fmt(times.at(-1)!)]);
      await Promise.all(workers.map((w) => w.stop()));
      procs.splice(procs.indexOf(workers[0]!), workers.length);
    }
    await app.stop();
    procs.length = 0;
    await store.close();
    store = undefined;

    // 3. bench:api, each engine.
    const apiPglite = apiTable("PGlite");
    const apiPostgres = apiTable("PostgreSQL");

    const cpus = os.cpus();
    const report = [
      `# npm run bench:scale — ${new Date().toISOString()}`,
      "",
      `PostgreSQL ${database.url.replace(/:[^:@/]+@/, ":…@")} (Debian's, same machine). Instances are \`npm run service\` processes ` +
        `(PUSH_WORKER=off), workers \`npm run worker\` processes; the load comes from this process over loopback with real tokens ` +
        `from the local provider. Seed: ${fmt(seeded.rows)} notifications (one user with 10,000, 1,000 users with 10).`,
      `Machine: ${cpus.length} × ${cpus[0]?.model.trim()}, Node ${process.version}: every process (PostgreSQL, instances, workers, the ` +
        `fake push service, the load) shares these cores, so a second instance or worker adds processes, not hardware. ` +
        `1-min load ${load0.toFixed(1)} at start, ${os.loadavg()[0]!.toFixed(1)} at the end; wall time ${fmt((performance.now() - wall0) / 1000)} s.`,
      "",
      `## App instances: ${fmt(POSTS)} POSTs (app-only, to 1,000 users, round robin over the instances), then ${fmt(LISTS)} first pages ($top=50 of 10,000), concurrency ${CONCURRENCY}`,
      "",
      markdownTable(["", "POST req/s", "POST p50 / p99 ms", "list req/s", "list p50 / p99 ms"], instanceRows),
      "",
      `## Delivery workers: one notification to ${fmt(FANOUT)} endpoints of one user (fake push service in its own process)`,
      "",
      markdownTable(["", "runs", "sends/s (at p50)", "p50 ms POST→last push", "slowest ms"], workerRows),
      "",
      `## bench:api on PGlite (${API_ARGS.join(" ")})`,
      "",
      apiPglite,
      "",
      `## bench:api on PostgreSQL (same arguments)`,
      "",
      apiPostgres,
      "",
    ].join("\n");
    process.stdout.write(`\n${report}\n`);
    const out = path.join("bench", "results", `scale-${new Date().toISOString().slice(0, 10)}.md`);
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, report);
    log(`written to ${out}`);
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await store?.close().catch(() => undefined);
    await idp.close();
    await fake.close();
    await database.drop();
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
