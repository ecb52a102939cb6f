// A restart in the middle of a fan-out loses no delivery and sends none twice
// to the same endpoint (issue #3, "Delivery"). The service runs as its own
// process (`tsx server/main.ts`) on a data folder; the fake push service
// answers half the endpoints and holds the rest; the test kills the service
// with SIGKILL once the answered half is recorded, starts it again on the same
// folder, and counts accepted deliveries per endpoint.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startIdp } from "../../idp";
import { users } from "../../testing/users";
import { startFakePushService, type FakePushService, type TestSubscription } from "../../testing/fake-push-service";
import { userToken } from "../../testing/tokens";

const { adele: ADELE } = users;
const ENDPOINTS = 40;

let root: string;
let idp: Awaited<ReturnType<typeof startIdp>>;
let fake: FakePushService;
let child: ChildProcess | undefined;
let base = "";
let token = "";

function startServiceProcess(): Promise<{ proc: ChildProcess; base: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
      cwd: path.resolve(__dirname, "../.."),
      env: {
        ...process.env,
        DATA_DIR: path.join(root, "service"),
        SERVICE_PORT: "0",
        SERVICE_HOST: "127.0.0.1",
        ISSUER: idp.issuer,
        SEED_DEMO: "false",
        PUSH_SERVICES: fake.origin,
        NODE_EXTRA_CA_CERTS: fake.caFile,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    // A first start opens PGlite (WebAssembly) and runs every migration: 10–20 s here on a busy machine, more under load.
    const timer = setTimeout(() => reject(new Error(`service did not start:\n${out}`)), 90_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on http:\/\/[^:]+:(\d+)(\/\S*)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, base: `http://127.0.0.1:${m[1]}${m[2]}` });
      }
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", (c: Buffer) => {
      out += c.toString();
    });
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code}:\n${out}`));
    });
  });
}

async function call<T>(method: string, p: string, json?: unknown): Promise<{ status: number; body: T; text: string }> {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(json ? { "content-type": "application/json" } : {}) },
    body: json ? JSON.stringify(json) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, text };
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function deliveredIds(): Promise<Set<string>> {
  const res = await call<{ value: Array<{ id: string; lastDeliveryResult: string | null }> }>("GET", "/me/notifications/subscriptions");
  expect(res.status, res.text).toBe(200);
  return new Set(res.body.value.filter((e) => e.lastDeliveryResult === "delivered").map((e) => e.id));
}

function killHard(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    proc.removeAllListeners("exit");
    proc.once("exit", () => resolve());
    proc.kill("SIGKILL");
  });
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "push-restart-"));
  fake = await startFakePushService();
  idp = await startIdp({ port: 0, dataDir: root, appOrigins: ["http://localhost:3999"] });
});

afterAll(async () => {
  if (child && child.exitCode === null) await killHard(child);
  await idp?.close();
  await fake?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

it("a service killed mid-fan-out delivers to every endpoint exactly once after restart", { timeout: 240_000 }, async () => {
  let started = await startServiceProcess();
  child = started.proc;
  base = started.base;
  token = await userToken(idp.issuer, ADELE.upn);
  expect((await call("GET", "/me/notifications")).status).toBe(200);

  const subs: Array<{ id: string; sub: TestSubscription }> = [];
  for (let i = 0; i < ENDPOINTS; i++) {
    const sub = fake.createSubscription();
    const res = await call<{ id: string }>("POST", "/me/notifications/subscriptions", {
      platform: "webPush",
      targetHostName: "tests.contoso.test",
      pushSubscription: sub,
    });
    expect(res.status, res.text).toBe(201);
    subs.push({ id: res.body.id, sub });
  }
  const answered = subs.slice(0, ENDPOINTS / 2);
  const heldBack = subs.slice(ENDPOINTS / 2);
  for (const h of heldBack) fake.hold(h.sub.endpoint);

  const sent = await call<{ id: string }>("POST", "/me/notifications", {
    targetHostName: "tests.contoso.test",
    payload: { visualContent: { title: "Deploy started" } },
  });
  expect(sent.status, sent.text).toBe(201);

  // The answered half is recorded as delivered, and the held half is in flight.
  await until("the answered half to be recorded", async () => (await deliveredIds()).size === answered.length);
  await until("the held half to reach the push service", () =>
    heldBack.every((h) => fake.requests(h.sub.endpoint).length === 1),
  );
  expect([...(await deliveredIds())].sort()).toEqual(answered.map((a) => a.id).sort());

  await killHard(child);
  // The held requests are answered now, to a dead client: not accepted deliveries.
  fake.release();
  // (release() only lets the fake's handlers go on: give them time before looking.)
  await new Promise((r) => setTimeout(r, 300));
  expect(heldBack.every((h) => fake.deliveries(h.sub.endpoint).length === 0)).toBe(true);

  started = await startServiceProcess();
  child = started.proc;
  base = started.base;
  await until("every endpoint to be delivered", async () => (await deliveredIds()).size === ENDPOINTS, 60_000);

  // Let anything stray arrive before counting.
  await new Promise((r) => setTimeout(r, 1500));
  for (const s of subs) {
    expect(fake.deliveries(s.sub.endpoint), s.id).toHaveLength(1);
  }
  // The answered half was never sent again; the held half was sent twice, accepted once.
  for (const a of answered) expect(fake.requests(a.sub.endpoint)).toHaveLength(1);
  for (const h of heldBack) expect(fake.requests(h.sub.endpoint)).toHaveLength(2);

  child.kill("SIGTERM");
  await new Promise((r) => child!.once("exit", r));
});
