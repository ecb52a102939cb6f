// npm run bench:sync — how fast a change reaches the live stream, on the real
// service over loopback HTTP: from a PATCH's response to the stream(s)
// receiving its `changed` event, beside the PATCH alone. Two shapes in one run:
// (a) many users of one tenant with one stream each, every user changing one
// of their notifications; (b) one user with many streams. Prints a table and
// writes it to bench/results/. Flags: --users N (default 1000), --streams N
// (default 100), --changes N (default 200, shape b).
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { randomUUID } from "node:crypto";
import { decodeJwt } from "jose";
import { USER_SCOPE } from "../contracts/identity";
import { startClockStack } from "../testing/clock-stack";
import { openStream, type TestStream } from "../testing/sse";
import { users } from "../testing/users";
import { summarize, type Summary } from "./lib/stats";

const log = (line: string) => process.stderr.write(`${line}\n`);
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const USERS = arg("users", 1000);
const STREAMS = arg("streams", 100);
const CHANGES = arg("changes", 200);

async function main(): Promise<void> {
  const clock = await startClockStack("bench-sync");
  const { stack } = clock;
  const streams: TestStream[] = [];
  try {
    const base = stack.baseUrl;
    const { iat: _iat, exp: _exp, nbf: _nbf, ...template } = decodeJwt(await stack.tokenFor(users.adele.upn));
    const tokenFor = (oid: string, i: number) =>
      clock.sign({ ...template, oid, sub: oid, preferred_username: `bench${i}@contoso.test`, name: `Bench ${i}`, scp: USER_SCOPE, jti: randomUUID() });
    const call = async (method: string, p: string, token: string, body?: unknown) => {
      const res = await fetch(`${base}${p}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const json = (await res.json().catch(() => undefined)) as { id?: string } | undefined;
      if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status}`);
      return json;
    };

    // ---- (a) many users, one stream each -------------------------------------
    log(`(a) ${USERS} users: tokens, one notification each, one stream each…`);
    const people: Array<{ token: string; id: string; stream?: TestStream }> = [];
    for (let i = 0; i < USERS; i++) {
      const token = await tokenFor(randomUUID(), i);
      const n = await call("POST", "/me/notifications", token, { targetHostName: "bench.contoso.test", payload: { visualContent: { title: `item ${i}` } } });
      people.push({ token, id: n!.id! });
    }
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    for (const p of people) {
      p.stream = await openStream(`${base}/me/notifications/stream`, p.token);
      await p.stream.next((e) => e.event === "unreadCount", { timeoutMs: 30_000 });
      streams.push(p.stream);
    }
    global.gc?.();
    const perStream = { heap: (process.memoryUsage().heapUsed - heapBefore) / USERS };
    log("(a) each user changes their notification; waiting for their stream…");
    const patchA: number[] = [];
    const toStreamA: number[] = [];
    for (const p of people) {
      const from = p.stream!.events.length;
      const t0 = performance.now();
      await call("PATCH", `/me/notifications/${p.id}`, p.token, { readState: "read" });
      const t1 = performance.now();
      const e = await p.stream!.next((x) => x.event === "changed" && (x.data as { id?: string }).id === p.id, { from, timeoutMs: 10_000 });
      patchA.push(t1 - t0);
      toStreamA.push(Math.max(0, e.at - t1));
    }
    for (const s of streams.splice(0)) s.close();

    // ---- (b) one user, many streams ------------------------------------------
    log(`(b) one user, ${STREAMS} streams, ${CHANGES} changes…`);
    const token = await tokenFor(randomUUID(), USERS + 1);
    const n = await call("POST", "/me/notifications", token, { targetHostName: "bench.contoso.test", payload: { visualContent: { title: "shared" } } });
    for (let i = 0; i < STREAMS; i++) {
      const s = await openStream(`${base}/me/notifications/stream`, token);
      await s.next((e) => e.event === "unreadCount", { timeoutMs: 30_000 });
      streams.push(s);
    }
    const patchB: number[] = [];
    const toEachB: number[] = [];
    const toAllB: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const froms = streams.map((s) => s.events.length);
      const t0 = performance.now();
      await call("PATCH", `/me/notifications/${n!.id}`, token, { readState: i % 2 === 0 ? "read" : "unread" });
      const t1 = performance.now();
      const arrivals = await Promise.all(
        streams.map((s, k) => s.next((x) => x.event === "changed", { from: froms[k], timeoutMs: 10_000 }).then((e) => Math.max(0, e.at - t1))),
      );
      patchB.push(t1 - t0);
      toEachB.push(...arrivals);
      toAllB.push(Math.max(...arrivals));
    }

    const row = (name: string, s: Summary) => `| ${name} | ${s.n} | ${s.p50.toFixed(1)} | ${s.p99.toFixed(1)} | ${s.max.toFixed(1)} |`;
    const table = [
      "| measured | n | p50 ms | p99 ms | max ms |",
      "|---|---|---|---|---|",
      row(`(a) PATCH alone, ${USERS} users with a stream each`, summarize(patchA)),
      row("(a) PATCH response → that user's stream has the change", summarize(toStreamA)),
      row(`(b) PATCH alone, one user with ${STREAMS} streams`, summarize(patchB)),
      row("(b) PATCH response → each stream has the change", summarize(toEachB)),
      row(`(b) PATCH response → all ${STREAMS} streams have it`, summarize(toAllB)),
    ].join("\n");
    const memory = `Memory per open stream (service and client in one process, after GC when --expose-gc): JS heap ${(perStream.heap / 1024).toFixed(1)} KiB (both ends of the connection).`;
    const when = new Date().toISOString().slice(0, 10);
    const out = `# bench:sync ${when}\n\nnode ${process.version}, ${USERS} users (a), ${STREAMS} streams × ${CHANGES} changes (b); loopback HTTP, PGlite.\n\n${table}\n\n${memory}\n`;
    process.stdout.write(`${table}\n\n${memory}\n`);
    const dir = path.join(import.meta.dirname, "results");
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `sync-${when}.md`), out);
  } finally {
    for (const s of streams) s.close();
    await stack.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
