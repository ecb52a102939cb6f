// npm run bench:load — the service under a steady mixed load, as an operator would see it: `npm run
// service` in a process of its own (PGlite, or PostgreSQL through `npm run bench:load -- --postgres`),
// 1,000 users each holding a live stream open, while autocannon sends a fixed 200 requests/s for 60 s
// across the routes users and app servers call. Per route: requests, errors, p50/p99/max; the streams:
// how many stayed open and how many events they received. Prints a markdown table and writes it to
// bench/results/load-<date>.md.
//
// Tokens: the bench signs its own RS256 access tokens (1,000 users need 1,000 tokens) and the service
// verifies them against the bench's JWKS (JWKS_URI), exactly as it verifies Entra's or the local
// provider's. Rate limits are raised out of the way: this measures capacity, not the limiter (whose
// cost is still paid on every request).
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer as createHttpServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import webpush from "web-push";
import { DEMO_USERS } from "../contracts/demo-users";
import { API_AUDIENCE, SEND_ROLE, USER_SCOPE } from "../contracts/identity";
import { openStore } from "../server/store/store";
import { seed } from "../testing/bulk-seed";
import { openStream, type TestStream } from "../testing/sse";
import { createTestDatabase, testDatabaseUrl } from "../testing/test-database";
import { freePort } from "./lib/free-port";
import { markdownTable } from "./lib/report";

const USAGE = `Usage: npm run bench:load -- [--streams 1000] [--rate 200] [--seconds 60] [--per-user 50] [--postgres] [--no-write]`;

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function options() {
  const { values } = parseArgs({
    strict: true,
    options: {
      streams: { type: "string", default: "1000" },
      rate: { type: "string", default: "200" },
      seconds: { type: "string", default: "60" },
      "per-user": { type: "string", default: "50" },
      postgres: { type: "boolean", default: false },
      "no-write": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: string, v: string, min: number) => {
    if (!/^\d+$/.test(v) || Number(v) < min) throw new Error(`--${name} must be an integer ≥ ${min}\n${USAGE}`);
    return Number(v);
  };
  return {
    users: int("streams", values.streams, 1),
    rate: int("rate", values.rate, 10),
    seconds: int("seconds", values.seconds, 5),
    perUser: int("per-user", values["per-user"], 2),
    postgres: values.postgres,
    write: !values["no-write"],
  };
}

/** The mix: each route's share of the total rate, as an inbox and its senders use the API. */
const ROUTES = [
  { name: "GET /me/notifications?$top=25", share: 0.35 },
  { name: "GET /me/notifications/$count (unread)", share: 0.15 },
  { name: "GET /me/notifications/delta", share: 0.05 },
  { name: "PATCH /me/notifications/{id}", share: 0.2 },
  { name: "POST /users/{id}/notifications (app)", share: 0.25 },
] as const;

async function main(): Promise<void> {
  const opts = options();
  if (opts.postgres && !testDatabaseUrl()) {
    throw new Error("--postgres needs TEST_DATABASE_URL: run `bash scripts/test-postgres.sh npx tsx bench/load.ts --postgres`.");
  }
  const root = await mkdtemp(path.join(os.tmpdir(), "bench-load-"));
  let service: ChildProcess | undefined;
  let jwks: Server | undefined;
  const streams: TestStream[] = [];
  try {
    // ---- keys the service trusts (served as a JWKS) ------------------------------------------------
    const kid = "bench-load";
    const keys = await generateKeyPair("RS256", { extractable: true });
    const jwk = { ...(await exportJWK(keys.publicKey)), kid, alg: "RS256", use: "sig" };
    const jwksPort = await freePort();
    jwks = createHttpServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks!.listen(jwksPort, "127.0.0.1", r));
    const issuer = `http://127.0.0.1:${jwksPort}`;
    const tenantId = DEMO_USERS[0]!.tenantId;
    const now = Math.floor(Date.now() / 1000);
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT({ iss: issuer, aud: API_AUDIENCE, iat: now, exp: now + 3 * 3600, jti: randomUUID(), tid: tenantId, ...claims })
        .setProtectedHeader({ alg: "RS256", kid, typ: "at+jwt" })
        .sign(keys.privateKey);

    // ---- the store: 1,000 users with a few dozen notifications each --------------------------------
    const dataDir = path.join(root, "data");
    const databaseUrl = opts.postgres ? (await createTestDatabase()).url : undefined;
    const store = await openStore({ dataDir, databaseUrl });
    const big = DEMO_USERS.find((u) => u.seedInbox)!;
    const seeded = await seed(store.db, { tenantId, bigUser: { oid: big.oid, upn: big.upn, name: big.name }, big: 0, users: opts.users, perUser: opts.perUser });
    const owned = await store.db.query<{ user_id: string; id: string }>(
      `SELECT user_id, id FROM notifications WHERE tenant_id = $1 AND user_id = ANY($2::text[])`,
      [tenantId, seeded.userIds],
    );
    await store.close();
    const idsByUser = new Map<string, string[]>();
    for (const r of owned.rows) idsByUser.set(r.user_id, [...(idsByUser.get(r.user_id) ?? []), r.id]);
    const people = await Promise.all(
      seeded.userIds.map(async (oid, i) => ({
        oid,
        ids: idsByUser.get(oid) ?? [],
        token: await sign({ oid, sub: oid, scp: USER_SCOPE, preferred_username: `bench${i + 1}@contoso.test`, name: `Bench User ${i + 1}` }),
      })),
    );
    const appTokens = await Promise.all(
      Array.from({ length: 4 }, (_, i) => sign({ idtyp: "app", roles: [SEND_ROLE], azp: `bench-sender-${i}`, sub: `bench-sender-${i}` })),
    );
    log(`seeded ${seeded.rows.toLocaleString("en-US")} notifications for ${opts.users} users (${opts.postgres ? "PostgreSQL" : "PGlite"})`);

    // ---- the service, as `npm run service` runs it -------------------------------------------------
    const port = await freePort();
    service = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
      env: {
        ...process.env,
        SERVICE_PORT: String(port),
        SERVICE_HOST: "127.0.0.1",
        DATA_DIR: dataDir,
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        ISSUER: issuer,
        JWKS_URI: `${issuer}/jwks`,
        SEED_DEMO: "0",
        METRICS_PORT: "off",
        RATE_LIMIT_PER_SECOND: "100000",
        RATE_LIMIT_BURST: "100000",
        RATE_LIMIT_RECIPIENT_PER_SECOND: "100000",
        RATE_LIMIT_RECIPIENT_BURST: "100000",
        // PostgreSQL needs the pair from configuration (instances must share it).
        ...(opts.postgres ? vapidEnv() : {}),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let serviceLog = "";
    service.stderr?.on("data", (d: Buffer) => (serviceLog = (serviceLog + d.toString()).slice(-4000)));
    service.stdout?.resume();
    const origin = `http://127.0.0.1:${port}`;
    const base = `${origin}/graph/beta`;
    for (const deadline = Date.now() + 60_000; ; ) {
      if (service.exitCode !== null) throw new Error(`the service exited (${service.exitCode}):\n${serviceLog}`);
      if (await fetch(`${origin}/readyz`).then((r) => r.ok, () => false)) break;
      if (Date.now() > deadline) throw new Error(`the service was not ready in 60 s:\n${serviceLog}`);
      await sleep(100);
    }

    // ---- the streams -------------------------------------------------------------------------------
    log(`opening ${opts.users} streams…`);
    for (const p of people) {
      const s = await openStream(`${base}/me/notifications/stream`, p.token);
      if (s.status !== 200) throw new Error(`stream for ${p.oid}: ${s.status}`);
      streams.push(s);
    }
    await Promise.all(streams.map((s) => s.next((e) => e.event === "unreadCount", { timeoutMs: 60_000 })));
    const eventsBefore = streams.reduce((n, s) => n + s.events.length, 0);
    let closedEarly = 0;
    for (const s of streams) void s.ended.then(() => closedEarly++);

    // ---- the load: one autocannon per route at its share of the rate, all at once ------------------
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;
    const json = { "content-type": "application/json" };
    const setups: Record<(typeof ROUTES)[number]["name"], autocannon.Request> = {
      "GET /me/notifications?$top=25": {
        method: "GET",
        setupRequest: (req) => ({ ...req, path: "/graph/beta/me/notifications?$top=25", headers: { authorization: `Bearer ${pick(people).token}` } }),
      },
      "GET /me/notifications/$count (unread)": {
        method: "GET",
        setupRequest: (req) => ({
          ...req,
          path: `/graph/beta/me/notifications/$count?$filter=${encodeURIComponent("readState eq 'unread'")}`,
          headers: { authorization: `Bearer ${pick(people).token}` },
        }),
      },
      "GET /me/notifications/delta": {
        method: "GET",
        setupRequest: (req) => ({
          ...req,
          path: "/graph/beta/me/notifications/delta",
          headers: { authorization: `Bearer ${pick(people).token}`, prefer: "odata.maxpagesize=50" },
        }),
      },
      "PATCH /me/notifications/{id}": {
        method: "PATCH",
        setupRequest: (req) => {
          const p = pick(people);
          return {
            ...req,
            path: `/graph/beta/me/notifications/${pick(p.ids)}`,
            headers: { ...json, authorization: `Bearer ${p.token}` },
            body: JSON.stringify({ readState: Math.random() < 0.5 ? "read" : "unread" }),
          };
        },
      },
      "POST /users/{id}/notifications (app)": {
        method: "POST",
        setupRequest: (req) => ({
          ...req,
          path: `/graph/beta/users/${pick(people).oid}/notifications`,
          headers: { ...json, authorization: `Bearer ${pick(appTokens)}` },
          body: JSON.stringify({ targetHostName: "bench.contoso.test", payload: { visualContent: { title: "Load", body: "Sent by npm run bench:load" } } }),
        }),
      },
    };
    log(`load: ${opts.rate} requests/s for ${opts.seconds} s over ${ROUTES.length} routes, ${opts.users} streams open…`);
    const load0 = os.loadavg()[0]!;
    const cpu0 = await processCpuSeconds(service.pid!);
    const results = await Promise.all(
      ROUTES.map(
        (r) =>
          autocannon({
            url: origin,
            connections: 8,
            duration: opts.seconds,
            overallRate: Math.max(1, Math.round(opts.rate * r.share)),
            requests: [setups[r.name]],
          }) as Promise<autocannon.Result>,
      ),
    );
    const cpu1 = await processCpuSeconds(service.pid!);
    const rss = await processRssMiB(service.pid!);
    await sleep(500);
    const eventsAfter = streams.reduce((n, s) => n + s.events.length, 0);
    const stillOpen = streams.length - closedEarly;

    const rows = ROUTES.map((r, i) => {
      const res = results[i]!;
      const errors = res.errors + res.timeouts + res.non2xx;
      return [
        r.name,
        `${(res.requests.total / opts.seconds).toFixed(1)}`,
        res.requests.total.toLocaleString("en-US"),
        `${errors}${res.non2xx ? ` (${statusSummary(res)})` : ""}`,
        res.latency.p50.toFixed(1),
        res.latency.p99.toFixed(1),
        res.latency.max.toFixed(1),
      ];
    });
    const total = results.reduce((n, r) => n + r.requests.total, 0);
    const totalErrors = results.reduce((n, r) => n + r.errors + r.timeouts + r.non2xx, 0);
    const table = markdownTable(["route", "req/s", "requests", "errors", "p50 ms", "p99 ms", "max ms"], rows);
    const summary = [
      `| | |`,
      `|---|---|`,
      `| engine | ${opts.postgres ? "PostgreSQL 15" : "PGlite"} (the service in its own process, \`server/main.ts\`) |`,
      `| streams open at the start / the end | ${streams.length} / ${stillOpen} |`,
      `| stream events received during the run | ${(eventsAfter - eventsBefore).toLocaleString("en-US")} |`,
      `| requests / errors | ${total.toLocaleString("en-US")} / ${totalErrors} |`,
      `| service CPU | ${(((cpu1 - cpu0) / opts.seconds) * 100).toFixed(0)} % of one core; RSS ${rss.toFixed(0)} MiB at the end |`,
      `| machine | ${os.cpus().length} cores, load average ${load0.toFixed(2)} before, ${os.loadavg()[0]!.toFixed(2)} after (the load generator shares the cores) |`,
    ].join("\n");
    const title = `bench:load, ${new Date().toISOString().slice(0, 10)}: ${opts.users} open streams + ${opts.rate} requests/s for ${opts.seconds} s`;
    const out = `# ${title}\n\n${table}\n\n${summary}\n`;
    console.log(out);
    if (opts.write) {
      const file = path.join("bench", "results", `load-${new Date().toISOString().slice(0, 10)}${opts.postgres ? "-postgres" : ""}.md`);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, out);
      log(`written to ${file}`);
    }
    if (totalErrors > 0 || stillOpen < streams.length) process.exitCode = 1;
  } finally {
    for (const s of streams) s.close();
    if (service && service.exitCode === null) {
      const exited = new Promise((r) => service!.once("exit", r));
      service.kill("SIGTERM");
      await Promise.race([exited, sleep(10_000)]);
      if (service.exitCode === null) service.kill("SIGKILL");
    }
    jwks?.close();
    await rm(root, { recursive: true, force: true });
  }
}

function vapidEnv(): Record<string, string> {
  const keys = webpush.generateVAPIDKeys();
  return { VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey, VAPID_SUBJECT: "mailto:bench@localhost" };
}

function statusSummary(res: autocannon.Result): string {
  const codes = Object.entries(res.statusCodeStats ?? {}).filter(([code]) => !code.startsWith("2"));
  return codes.map(([code, s]) => `${s.count}× ${code}`).join(", ");
}

/** User + system CPU seconds a process has used (Linux /proc). */
async function processCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14 and 15 (utime, stime) are the 12th and 13th after the command name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function processRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
