// npm run bench:api — the service's latency on a big store, each HTTP call
// beside the raw SQL statement the service runs for it, timed in the same run
// on the same Db. A script, not a test: it prints a table and writes it to
// bench/results/. See bench/lib/options.ts for the flags.
import { mkdir, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { MAX_BATCH_REQUESTS, type BatchResponseBody } from "../contracts/batch";
import { DEMO_USERS, SENDER_CLIENT_ID } from "../contracts/demo-users";
import { DEFAULT_MAX_ACTIVE_NOTIFICATIONS } from "../server/config";
import { parseFilter } from "../server/notifications/filter";
import { PLATFORM_TYPES } from "../contracts/notification";
import type { Queryable, Sql } from "../server/store/db";
import {
  countNotificationsQuery,
  getNotificationQuery,
  insertEventQuery,
  insertNotificationQuery,
  listNotificationsQuery,
  patchNotificationQuery,
  type NotificationRow,
} from "../server/notifications/queries";
import { explainPlan } from "./lib/explain";
import { BENCH_USAGE, parseBenchArgs, type BenchOptions } from "./lib/options";
import { renderTable, type Row } from "./lib/report";
import { seed } from "../testing/bulk-seed";
import { onPostgres } from "../testing/test-database";
import type { Stack } from "../testing/stack";
import { sample, sampleConcurrent, summarize } from "./lib/stats";

const log = (line: string) => process.stderr.write(`${line}\n`);

/**
 * The benchmark's client: Node's http with a keep-alive agent. An app server's
 * client runs in its own process on its own machine; here it shares the
 * service's thread, so its cost lands in every HTTP sample. undici's `fetch`
 * costs about 1 ms of that thread per call (web streams, a Response per
 * answer), which `fetchPost` measures in a row of its own; http.request about
 * 0.1 ms.
 */
class Http {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  private readonly url: URL;

  constructor(
    readonly base: string,
    private readonly token: string,
  ) {
    this.url = new URL(base);
  }

  /** The answer's status and body text; a request that died on a socket the server was closing is sent once more. */
  async call(method: string, url: string, body?: unknown, expect = 200): Promise<string> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let answer: { status: number; text: string };
    try {
      answer = await this.send(method, url, payload);
    } catch (err) {
      // On a loaded machine the agent can pick a keep-alive socket the server is just closing:
      // the request dies before any answer, and a client sends it again.
      if ((err as NodeJS.ErrnoException).code !== "ECONNRESET") throw err;
      answer = await this.send(method, url, payload);
    }
    if (answer.status !== expect) throw new Error(`${method} ${url} → ${answer.status}: ${answer.text}`);
    return answer.text;
  }

  async json<T>(method: string, url: string, body?: unknown, expect = 200): Promise<T> {
    return JSON.parse(await this.call(method, url, body, expect)) as T;
  }

  private send(method: string, url: string, payload: string | undefined): Promise<{ status: number; text: string }> {
    const target = url.startsWith("http") ? new URL(url) : new URL(`${this.url.pathname}${url}`, this.url);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: `${target.pathname}${target.search}`,
          method,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.token}`,
            ...(payload === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

interface Page {
  value: { id: string; readState: string; createdDateTime: string }[];
  "@odata.nextLink"?: string;
}

/** HTTP and SQL alternate each iteration, so noise from the shared machine hits both alike. */
async function paired(
  iterations: number,
  warmup: number,
  httpCall: (i: number) => Promise<unknown>,
  sqlCall: (i: number) => Promise<unknown>,
): Promise<{ http: number[]; sql: number[] }> {
  for (let i = 0; i < warmup; i++) {
    await httpCall(i);
    await sqlCall(i);
  }
  const http: number[] = [];
  const sql: number[] = [];
  for (let i = 0; i < iterations; i++) {
    http.push(...(await sample(1, () => httpCall(warmup + i))));
    sql.push(...(await sample(1, () => sqlCall(warmup + i))));
  }
  return { http, sql };
}

/** Longer than any run: the bench runs the service's maintenance itself, before timing. */
const MAINTENANCE_HELD_OFF_MS = 24 * 3_600_000;

/** Sends per batch: Graph's most. */
const BATCH_SIZE = MAX_BATCH_REQUESTS;

/**
 * $batch rows (issue 12): 20 sends in one POST /$batch beside the same 20 as sequential POSTs,
 * each sample ms per 20 (and per send in the rows cell), with the raw SQL of 20 sends (what the
 * service runs for them) as the SQL column. Batch, sequential and SQL alternate within each
 * iteration, so the shared machine's noise hits all three alike.
 */
async function batchRows(args: {
  app: Http;
  iterations: number;
  warmup: number;
  /** The i-th send's path and body, as the POST rows send them. */
  send: (i: number) => { url: string; body: unknown };
  rawInsert: (i: number) => Promise<unknown>;
  plan: string;
}): Promise<Row[]> {
  const { app, iterations, warmup, send, rawInsert, plan } = args;
  let next = 0;
  const batchCall = async () => {
    const requests = Array.from({ length: BATCH_SIZE }, (_, k) => {
      const { url, body } = send(next++);
      return { id: String(k + 1), method: "POST", url, headers: { "Content-Type": "application/json" }, body };
    });
    const answer = await app.json<BatchResponseBody>("POST", "/$batch", { requests });
    const failed = answer.responses.find((r) => r.status !== 201);
    if (failed) throw new Error(`a send in the batch answered ${failed.status}: ${JSON.stringify(failed.body)}`);
  };
  const sequentialCall = async () => {
    for (let k = 0; k < BATCH_SIZE; k++) {
      const { url, body } = send(next++);
      await app.call("POST", url, body, 201);
    }
  };
  const rawCall = async () => {
    for (let k = 0; k < BATCH_SIZE; k++) await rawInsert(next++);
  };
  for (let i = 0; i < warmup; i++) {
    await batchCall();
    await sequentialCall();
    await rawCall();
  }
  const batched: number[] = [];
  const sequential: number[] = [];
  const sql: number[] = [];
  for (let i = 0; i < iterations; i++) {
    batched.push(...(await sample(1, batchCall)));
    sequential.push(...(await sample(1, sequentialCall)));
    sql.push(...(await sample(1, rawCall)));
  }
  const perSend = (samples: number[]) => `${(summarize(samples).p50 / BATCH_SIZE).toFixed(2)} ms/send p50`;
  const sendsPerSecond = (samples: number[]) => (BATCH_SIZE * samples.length * 1000) / samples.reduce((a, b) => a + b, 0);
  return [
    {
      operation: `POST /$batch of ${BATCH_SIZE} sends (ms per ${BATCH_SIZE})`,
      http: summarize(batched),
      sql: summarize(sql),
      rows: `${BATCH_SIZE} × 201; ${perSend(batched)} (SQL ${perSend(sql)})`,
      throughput: { http: sendsPerSecond(batched), sql: sendsPerSecond(sql) },
      plan,
    },
    {
      operation: `${BATCH_SIZE} sequential POST /users/{id}/notifications (ms per ${BATCH_SIZE})`,
      http: summarize(sequential),
      sql: summarize(sql),
      rows: `${BATCH_SIZE} × 201; ${perSend(sequential)} (SQL ${perSend(sql)})`,
      throughput: { http: sendsPerSecond(sequential), sql: sendsPerSecond(sql) },
      plan,
    },
  ];
}

async function rawRows(db: Queryable, q: { text: string; params: unknown[] }): Promise<number> {
  const res = await db.query(q.text, q.params);
  return res.rows.length || res.affectedRows;
}

async function run(opts: BenchOptions): Promise<string> {
  const began = performance.now();
  const user = DEMO_USERS.find((u) => u.seedInbox)!;
  const owner = { tenantId: user.tenantId, userId: user.oid };

  log(`starting the identity provider and the service (${onPostgres() ? "PostgreSQL, a database of its own" : "PGlite in a temp folder"})…`);
  // Imported here so `--help` and flag errors do not load oidc-provider (and its start-up warnings).
  const { startStack } = await import("../testing/stack");
  // The service's maintenance (purge, prune, PGlite's VACUUM) runs every minute; its first pass
  // runs here once the seed is in, as a long-running service's would have, and no pass falls
  // inside a timed row: on PGlite one pass holds the one connection for seconds, and both
  // columns of whatever row it lands in slow down together.
  const stack: Stack = await startStack({ service: { maintenanceIntervalMs: MAINTENANCE_HELD_OFF_MS } });
  try {
    const db = stack.db;
    const exec = (q: Sql) => db.query(q.text, q.params);
    // The raw writes run with every trigger the service's do (the change lock and number, the
    // per-user counters, the outbox's NOTIFY), so they wake the push outbox as the HTTP writes do:
    // the benchmark's users have no endpoint, so both sides' events are dispatched as no job.
    let t = performance.now();
    const seeded = await seed(db, {
      tenantId: user.tenantId,
      bigUser: { oid: user.oid, upn: user.upn, name: user.name },
      big: opts.big,
      users: opts.users,
      perUser: opts.perUser,
    });
    const seedMs = performance.now() - t;
    log(`seeded ${seeded.rows.toLocaleString("en")} notifications in ${(seedMs / 1000).toFixed(1)} s`);
    t = performance.now();
    await stack.runMaintenance();
    log(`the service's first maintenance pass took ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const userToken = await stack.tokenFor(user.upn);
    const appToken = await stack.appTokenFor();
    const me = new Http(stack.baseUrl, userToken);
    const app = new Http(stack.baseUrl, appToken);
    const warmup = Math.min(20, opts.iterations);
    const rows: Row[] = [];
    const loadBefore = os.loadavg()[0]!;

    // A few seconds of mixed traffic first, so V8 has tiered up both the
    // service's JavaScript and PGlite's WebAssembly before the first row is timed.
    const warmUntil = performance.now() + 5_000;
    while (performance.now() < warmUntil) {
      await me.json("GET", "/me/notifications?$top=50");
      await me.call("GET", "/me/notifications/$count");
    }

    // 1. First page.
    const now = () => new Date();
    const firstPageSql = () => listNotificationsQuery({ ...owner, now: now(), filters: [], search: [], order: "desc", limit: 51 });
    let r = await paired(opts.iterations, warmup, () => me.json<Page>("GET", "/me/notifications?$top=50"), () => exec(firstPageSql()));
    const first = await me.json<Page>("GET", "/me/notifications?$top=50");
    const q1 = firstPageSql();
    const firstRaw = (await db.query<NotificationRow>(q1.text, q1.params)).rows[0]?.id;
    if (firstRaw !== first.value[0]?.id) throw new Error(`first page over HTTP starts at ${first.value[0]?.id}, raw SQL at ${firstRaw}`);
    rows.push({
      operation: "GET /me/notifications?$top=50 (first page)",
      http: summarize(r.http),
      sql: summarize(r.sql),
      rows: `${first.value.length} (SQL ${await rawRows(db, q1)})`,
      plan: await explainPlan(db, q1.text, q1.params),
    });
    log(`first page done`);

    // 2. Page 50 through nextLink: follow 49 links, then time the 50th page.
    let page = first;
    for (let n = 2; n <= 49; n++) {
      if (!page["@odata.nextLink"]) throw new Error(`page ${n - 1} has no nextLink`);
      page = await me.json<Page>("GET", page["@odata.nextLink"]);
    }
    const link50 = page["@odata.nextLink"];
    if (!link50) throw new Error("page 49 has no nextLink");
    const cursorId = page.value[page.value.length - 1]!.id;
    const cursor = (await db.query<{ created: Date }>("SELECT created FROM notifications WHERE id = $1", [cursorId])).rows[0]!;
    const deepSql = () =>
      listNotificationsQuery({ ...owner, now: now(), filters: [], search: [], order: "desc", limit: 51, after: { created: cursor.created, id: cursorId } });
    r = await paired(opts.iterations, warmup, () => me.json<Page>("GET", link50), () => exec(deepSql()));
    const deep = await me.json<Page>("GET", link50);
    const q2 = deepSql();
    const firstDeepRaw = (await db.query<NotificationRow>(q2.text, q2.params)).rows[0]?.id;
    if (firstDeepRaw !== deep.value[0]?.id) throw new Error(`page 50 over HTTP starts at ${deep.value[0]?.id}, raw SQL at ${firstDeepRaw}`);
    rows.push({
      operation: "GET page 50 via @odata.nextLink",
      http: summarize(r.http),
      sql: summarize(r.sql),
      rows: `${deep.value.length} (SQL ${await rawRows(db, q2)})`,
      plan: await explainPlan(db, q2.text, q2.params),
    });
    log(`page 50 done`);

    // 3. Unread count, as the badge asks for it.
    const unreadFilter = "readState eq 'unread' and status eq 'active'";
    const countSql = () => countNotificationsQuery({ ...owner, now: now(), filters: parseFilter(unreadFilter), search: [] });
    const countUrl = `/me/notifications/$count?$filter=${encodeURIComponent(unreadFilter)}`;
    const measureCount = async (operation: string): Promise<Row> => {
      const m = await paired(opts.iterations, warmup, () => me.call("GET", countUrl), () => exec(countSql()));
      const httpCount = (await me.call("GET", countUrl)).trim();
      const q = countSql();
      const rawCount = (await db.query<{ count: number }>(q.text, q.params)).rows[0]!.count;
      // The two sides must be measuring the same thing.
      if (Number(httpCount) !== rawCount) throw new Error(`$count over HTTP is ${httpCount}, raw SQL says ${rawCount}`);
      return {
        operation,
        http: summarize(m.http),
        sql: summarize(m.sql),
        rows: `count ${httpCount} (SQL ${rawCount})`,
        plan: await explainPlan(db, q.text, q.params),
      };
    };
    rows.push(await measureCount("GET /me/notifications/$count (unread)"));
    log(`unread count done`);

    // 4. PATCH readState, toggling items of the first page (HTTP) and of the
    // second page (raw), so each side flips rows the other does not touch.
    const httpItems = first.value.map((v) => ({ id: v.id, read: v.readState === "read" }));
    const second = await me.json<Page>("GET", first["@odata.nextLink"]!);
    const sqlItems = second.value.map((v) => ({ id: v.id, read: v.readState === "read" }));
    const patchSql = (i: number, at: Date) => {
      const item = sqlItems[i % sqlItems.length]!;
      item.read = !item.read;
      return patchNotificationQuery(owner, item.id, { readState: item.read ? "read" : "unread" }, at, null);
    };
    // What patchNotification runs: lock the row, update it (its triggers: the change number, the
    // counters), log the event (its trigger: the outbox's NOTIFY), in one transaction.
    let patchedRows = 0;
    const rawPatch = (i: number) =>
      db.transaction(async (tx) => {
        const at = now();
        const id = sqlItems[i % sqlItems.length]!.id;
        const get = getNotificationQuery(owner, id, at, true);
        await tx.query(get.text, get.params);
        const q = patchSql(i, at);
        const updated = await tx.query(q.text, q.params);
        patchedRows = updated.rows.length;
        const ev = insertEventQuery({ ...owner, notificationId: id, at, kind: "stateChanged", actorKind: "user", actorId: user.oid, endpointId: null, detail: { readState: "read" } });
        await tx.query(ev.text, ev.params);
      });
    r = await paired(
      opts.iterations,
      warmup,
      (i) => {
        const item = httpItems[i % httpItems.length]!;
        item.read = !item.read;
        return me.json("PATCH", `/me/notifications/${item.id}`, { readState: item.read ? "read" : "unread" });
      },
      rawPatch,
    );
    const q4 = patchSql(0, now());
    rows.push({
      operation: "PATCH /me/notifications/{id} (readState)",
      http: summarize(r.http),
      sql: summarize(r.sql),
      rows: `1 (SQL ${patchedRows})`,
      plan: await explainPlan(db, q4.text, q4.params),
    });
    log(`PATCH done`);

    // 5. POST throughput: app-only sends to the ordinary users, round robin.
    const recipients = seeded.userIds.length > 0 ? seeded.userIds : [user.oid];
    const postBody = (i: number) => ({
      targetHostName: "bench.contoso.test",
      groupName: `group-${i % 10}`,
      payload: { visualContent: { title: `Bench send ${i}`, body: "Sent by npm run bench:api" } },
    });
    const postHttp = (i: number) => app.call("POST", `/users/${recipients[i % recipients.length]}/notifications`, postBody(i), 201);
    const insertSql = (i: number, at: Date) =>
      insertNotificationQuery({
        id: crypto.randomUUID(),
        tenantId: user.tenantId,
        userId: recipients[(i + 1) % recipients.length]!,
        targetHostName: "bench.contoso.test",
        appNotificationId: null,
        groupName: `group-${i % 10}`,
        title: `Bench raw ${i}`,
        body: "Inserted by npm run bench:api",
        rawContent: null,
        priority: "High",
        displayUntil: null,
        expiration: new Date(at.getTime() + 7 * 86_400_000),
        platformTypes: [...PLATFORM_TYPES],
        fallbackPolicy: null,
        now: at,
      });
    // What createNotification runs: the insert (upsert; its triggers: the change number, the
    // counters), then its event, written only within the cap (checked on the counter), in one transaction.
    const rawInsert = (i: number) =>
      db.transaction(async (tx) => {
        const at = now();
        const q = insertSql(i, at);
        const row = (await tx.query<{ id: string; user_id: string }>(q.text, q.params)).rows[0]!;
        const ev = insertEventQuery(
          { tenantId: user.tenantId, userId: row.user_id, notificationId: row.id, at, kind: "created", actorKind: "app", actorId: SENDER_CLIENT_ID, endpointId: null },
          { cap: DEFAULT_MAX_ACTIVE_NOTIFICATIONS, now: at },
        );
        if ((await tx.query(ev.text, ev.params)).affectedRows !== 1) throw new Error("the raw send found the user over the cap");
      });
    // The same sends through undici's fetch (what the Graph SDK and most Node clients use): the
    // client's own cost, on the same thread, shows in its row against the one above it.
    const postFetch = async (i: number) => {
      const res = await fetch(`${stack.baseUrl}/users/${recipients[i % recipients.length]}/notifications`, {
        method: "POST",
        headers: { authorization: `Bearer ${appToken}`, "content-type": "application/json" },
        body: JSON.stringify(postBody(i)),
      });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`POST via fetch → ${res.status}`);
    };
    // Sequential: the three alternate send by send, as the read rows do, so the shared machine's
    // noise hits them alike; throughput is sends per second of each side's own time.
    const seqHttp: number[] = [];
    const seqFetch: number[] = [];
    const seqSql: number[] = [];
    for (let i = 0; i < warmup + opts.posts; i++) {
      const timed = i >= warmup;
      const h = await sample(1, () => postHttp(3 * i));
      const f = await sample(1, () => postFetch(3 * i + 1));
      const q = await sample(1, () => rawInsert(3 * i + 2));
      if (timed) {
        seqHttp.push(...h);
        seqFetch.push(...f);
        seqSql.push(...q);
      }
    }
    const perSecond = (samples: number[]) => (samples.length * 1000) / samples.reduce((x, y) => x + y, 0);
    const q5 = insertSql(0, now());
    const insertPlan = await explainPlan(db, q5.text, q5.params);
    rows.push({
      operation: `POST /users/{id}/notifications ×${opts.posts} sequential`,
      http: summarize(seqHttp),
      sql: summarize(seqSql),
      rows: "1 each",
      throughput: { http: perSecond(seqHttp), sql: perSecond(seqSql) },
      plan: insertPlan,
    });
    rows.push({
      operation: `the same ×${opts.posts}, the client on undici's fetch`,
      http: summarize(seqFetch),
      sql: summarize(seqSql),
      rows: "1 each",
      throughput: { http: perSecond(seqFetch), sql: perSecond(seqSql) },
      plan: insertPlan,
    });
    const conHttp = await sampleConcurrent(opts.posts, opts.concurrency, postHttp);
    const conSql = await sampleConcurrent(opts.posts, opts.concurrency, rawInsert);
    rows.push({
      operation: `POST /users/{id}/notifications ×${opts.posts} concurrency ${opts.concurrency}`,
      http: summarize(conHttp.latencies),
      sql: summarize(conSql.latencies),
      rows: "1 each",
      throughput: { http: (opts.posts / conHttp.wallMs) * 1000, sql: (opts.posts / conSql.wallMs) * 1000 },
      plan: insertPlan,
    });
    log(`POST done`);

    rows.push(...(await batchRows({ app, iterations: opts.iterations, warmup, send: (i) => ({ url: `/users/${recipients[i % recipients.length]}/notifications`, body: postBody(i) }), rawInsert, plan: insertPlan })));
    log(`$batch done`);

    // PGlite runs no autovacuum. The count reads the user's counter row and an
    // index range of expired items, so a VACUUM should change little; measured
    // once more after one, beside the rows of earlier runs (when the count
    // scanned the unread items and needed the visibility map).
    t = performance.now();
    await db.exec("VACUUM ANALYZE notifications");
    log(`VACUUM ANALYZE took ${((performance.now() - t) / 1000).toFixed(1)} s`);
    rows.push(await measureCount("GET /me/notifications/$count (unread), after VACUUM"));

    me.close();
    app.close();
    const wallS = (performance.now() - began) / 1000;
    const loadAfter = os.loadavg()[0]!;
    const cpus = os.cpus();
    return [
      `# npm run bench:api — ${new Date().toISOString()}`,
      "",
      `Store: ${onPostgres() ? "PostgreSQL (TEST_DATABASE_URL, a pool of 10)" : "PGlite (in-process)"}, ${seeded.rows.toLocaleString("en")} notifications seeded by SQL in ${(seedMs / 1000).toFixed(1)} s: ` +
        `one user (${user.upn}) with ${opts.big.toLocaleString("en")}, ${opts.users.toLocaleString("en")} users with ${opts.perUser} each. ` +
        `HTTP over loopback to the real service with real tokens from the local provider, the client Node's http with a keep-alive agent ` +
        `(one row repeats the sequential POSTs on undici's fetch); ${opts.iterations} timed iterations ` +
        `(${warmup} warm-up) per read/PATCH row, HTTP and SQL alternating. SQL = the service's own statements (server/notifications/queries.ts) ` +
        `with the same parameters on the same Db; for PATCH and POST the whole transaction the service runs, triggers included (PATCH: SELECT … FOR UPDATE, ` +
        `UPDATE, event INSERT; POST: INSERT … ON CONFLICT, the event's INSERT … SELECT under the per-user cap; the triggers: change numbers under the user's lock, ` +
        `the per-user counters, the outbox's NOTIFY, so both sides' events are dispatched alike, as no job: these users have no endpoint). ` +
        `$count (unread): the user's counter less the unread items past expiration not yet purged. Plans: EXPLAIN of the main statement. ` +
        `The seed ends with ANALYZE and the service's first maintenance pass; no later pass runs while timing; the last row repeats the count after VACUUM (PGlite runs no autovacuum). ` +
        (onPostgres() ? "" : `Concurrency rows: latency includes queueing, since PGlite runs one statement at a time.`),
      `Machine: ${cpus.length} × ${cpus[0]?.model ?? "cpu"}, Node ${process.version}, shared with other work ` +
        `(1-min load average ${loadBefore.toFixed(1)} when timing began, ${loadAfter.toFixed(1)} at the end). Wall time ${wallS.toFixed(0)} s.`,
      "",
      renderTable(rows),
      "",
    ].join("\n");
  } finally {
    await stack.close();
  }
}

async function main(): Promise<void> {
  let opts: BenchOptions | "help";
  try {
    opts = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    log(`bench:api: ${(err as Error).message}\n${BENCH_USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (opts === "help") {
    log(BENCH_USAGE);
    return;
  }
  const report = await run(opts);
  process.stdout.write(`\n${report}\n`);
  if (opts.out) {
    await mkdir(path.dirname(path.resolve(opts.out)), { recursive: true });
    await writeFile(opts.out, report);
    log(`written to ${opts.out}`);
  }
}

await main();
