// Rate limits (issue 12): per authenticated caller, per recipient of sends,
// and per client address before authentication, over real HTTP with real
// tokens. Over a limit: 429 activityLimitReached with Retry-After in whole
// seconds, nothing written, and served again once Retry-After has passed; the
// Graph SDK's default middleware (its RetryHandler) gets through a burst by
// itself. Low limits here; every other suite's stack runs without limits.
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEND_ROLE } from "../../contracts/identity";
import { TENANT_A } from "../../contracts/demo-users";
import { DEFAULT_RATE_LIMIT, loadConfig, validateConfig, type RateLimitConfig } from "../../server/config";
import { processMetrics } from "../../server/metrics";
import { startClockStack, type ClockStack } from "../../testing/clock-stack";
import { startStack, type Stack } from "../../testing/stack";
import { ensureTestCertificate } from "../../testing/test-certificate";
import { users } from "../../testing/users";
import { call, expectGraphError, visualNotification, type CallResult } from "../helpers/graph";

const { adele, megan, sam } = users;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a TypeScript file in a Node process of its own, with `env` over this one's. */
function runNode(file: string, env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", file], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, out, err }));
  });
}

/** The 429 of a rate limit: Graph's error, a whole number of seconds to wait (at least 1, at most the window). */
function expectLimited(res: CallResult, maxSeconds: number, message?: RegExp): number {
  expectGraphError(res, 429, "activityLimitReached");
  const retryAfter = res.headers.get("retry-after");
  expect(retryAfter).toMatch(/^\d+$/);
  const seconds = Number(retryAfter);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(maxSeconds);
  if (message) expect((res.body as { error: { message: string } }).error.message).toMatch(message);
  return seconds;
}

async function storedFor(stack: Stack, userId: string): Promise<number> {
  const { rows } = await stack.db.query<{ n: number }>("SELECT count(*)::int AS n FROM notifications WHERE user_id = $1", [userId]);
  return rows[0]!.n;
}

async function limitedCount(limiter: string): Promise<number> {
  const metric = await processMetrics().registry.getSingleMetric("notifications_rate_limited_total")?.get();
  return metric?.values.find((v) => v.labels.limiter === limiter)?.value ?? 0;
}

describe("configuration", () => {
  it("defaults to 20 requests a second with bursts of 100 per caller and per recipient, 60 refused tokens a minute per address, no trusted proxy", () => {
    const config = loadConfig({ DATA_DIR: "memory://" });
    expect(config.rateLimit).toEqual({ enabled: true, perSecond: 20, burst: 100, recipientPerSecond: 20, recipientBurst: 100, failedAuthPerMinute: 60 });
    expect(config.rateLimit).toEqual(DEFAULT_RATE_LIMIT);
    expect(config.trustProxy).toBe(0);
  });

  it("reads every setting, and RATE_LIMIT=off turns them all off", () => {
    const env = {
      DATA_DIR: "memory://",
      RATE_LIMIT_PER_SECOND: "0.5",
      RATE_LIMIT_BURST: "10",
      RATE_LIMIT_RECIPIENT_PER_SECOND: "2",
      RATE_LIMIT_RECIPIENT_BURST: "30",
      RATE_LIMIT_FAILED_AUTH_PER_MINUTE: "5",
      TRUST_PROXY: "2",
    };
    const config = loadConfig(env);
    expect(config.rateLimit).toEqual({ enabled: true, perSecond: 0.5, burst: 10, recipientPerSecond: 2, recipientBurst: 30, failedAuthPerMinute: 5 });
    expect(config.trustProxy).toBe(2);
    expect(validateConfig(config, env)).toEqual([]);
    expect(loadConfig({ RATE_LIMIT: "off" }).rateLimit.enabled).toBe(false);
    expect(loadConfig({ RATE_LIMIT: "on" }).rateLimit.enabled).toBe(true);
  });

  it("names each bad value in a sentence of its own", () => {
    const env = {
      DATA_DIR: "memory://",
      RATE_LIMIT: "sometimes",
      RATE_LIMIT_PER_SECOND: "0",
      RATE_LIMIT_BURST: "2.5",
      RATE_LIMIT_RECIPIENT_PER_SECOND: "fast",
      RATE_LIMIT_RECIPIENT_BURST: "-1",
      RATE_LIMIT_FAILED_AUTH_PER_MINUTE: "0",
      TRUST_PROXY: "yes",
    };
    expect(validateConfig(loadConfig(env), env)).toEqual([
      "RATE_LIMIT must be on or off (off: no rate limits at all): got 'sometimes'.",
      "RATE_LIMIT_PER_SECOND must be a number of requests per second above 0 (fractions allowed, e.g. 0.5): got '0'.",
      "RATE_LIMIT_BURST must be a whole number of at least 1 (requests one caller may send at once): got '2.5'.",
      "RATE_LIMIT_RECIPIENT_PER_SECOND must be a number of requests per second above 0 (fractions allowed, e.g. 0.5): got 'fast'.",
      "RATE_LIMIT_RECIPIENT_BURST must be a whole number of at least 1 (notifications one user may be sent at once): got '-1'.",
      "RATE_LIMIT_FAILED_AUTH_PER_MINUTE must be a whole number of at least 1 (refused tokens one client address may send a minute): got '0'.",
      "TRUST_PROXY must be the number of proxies in front of the service, 0 to 20 (0: none): got 'yes'.",
    ]);
  });
});

// Callers: bursts of 10, 5 a second (a 2 s window). Recipients: bursts of 6,
// 2 a second (3 s). One proxy trusted, so each test's client address is the
// X-Forwarded-For entry it sends (the socket, 127.0.0.1, is the proxy).
const LIMITS: RateLimitConfig = { enabled: true, perSecond: 5, burst: 10, recipientPerSecond: 2, recipientBurst: 6, failedAuthPerMinute: 3 };

describe("with a trusted proxy in front", () => {
  let clock: ClockStack;
  let stack: Stack;
  let appToken: string;
  let otherAppToken: string;

  beforeAll(async () => {
    clock = await startClockStack("rate-limit-tests", { config: { rateLimit: LIMITS, trustProxy: 1 } });
    stack = clock.stack;
    appToken = await stack.appTokenFor();
    // A second app server of the same tenant, with the send role (signed with the key the service trusts).
    otherAppToken = await clock.sign({ tid: TENANT_A, oid: "0d6f2f8e-6c36-4c4e-9d1a-2b7c1e5f9a10", sub: "0d6f2f8e-6c36-4c4e-9d1a-2b7c1e5f9a10", azp: "other-sender", roles: [SEND_ROLE], idtyp: "app" });
  });

  afterAll(async () => {
    await stack?.close();
  });

  /** A request from client address `ip` (the trusted proxy's X-Forwarded-For entry). */
  const from = (ip: string) => ({ "x-forwarded-for": ip });

  describe("per caller", () => {
    it("answers requests past the burst 429 activityLimitReached with Retry-After, stores nothing, and serves the caller again after Retry-After", async () => {
      const token = await stack.tokenFor(megan.upn);
      const before = await limitedCount("caller");
      for (let i = 0; i < LIMITS.burst; i++) {
        const res = await call(stack, "/me/notifications", { token, headers: from("192.0.2.10") });
        expect(res.status, `request ${i + 1}: ${res.text}`).toBe(200);
      }
      const refused = await call(stack, "/me/notifications", { method: "POST", token, json: visualNotification("Over the limit"), headers: from("192.0.2.10") });
      const wait = expectLimited(refused, LIMITS.burst / LIMITS.perSecond, /at most 10 at once and 5 a second per caller/);
      expect(await storedFor(stack, megan.oid)).toBe(0);
      // Another address makes no difference: the caller is the key.
      expectLimited(await call(stack, "/me/notifications", { token, headers: from("192.0.2.99") }), 2);
      expect(await limitedCount("caller")).toBe(before + 2);

      await sleep(wait * 1000);
      const served = await call(stack, "/me/notifications", { method: "POST", token, json: visualNotification("After the wait"), headers: from("192.0.2.10") });
      expect(served.status, served.text).toBe(201);
      expect(await storedFor(stack, megan.oid)).toBe(1);
    });

    it("counts each user apart: one user over the limit leaves another served", async () => {
      const meganToken = await stack.tokenFor(megan.upn);
      const adeleToken = await stack.tokenFor(adele.upn);
      let status = 200;
      for (let i = 0; i <= LIMITS.burst && status === 200; i++) status = (await call(stack, "/me/notifications", { token: meganToken })).status;
      expect(status).toBe(429);
      const other = await call(stack, "/me/notifications", { token: adeleToken });
      expect(other.status, other.text).toBe(200);
    });
  });

  describe("per recipient", () => {
    it("counts every sender's notifications to one user together; other recipients are unaffected", async () => {
      const send = (token: string, to: string) => call(stack, `/users/${to}/notifications`, { token, json: visualNotification(`To ${to}`) });
      const before = await storedFor(stack, adele.oid);
      for (let i = 0; i < LIMITS.recipientBurst / 2; i++) {
        expect((await send(appToken, adele.oid)).status).toBe(201);
        expect((await send(otherAppToken, adele.oid)).status).toBe(201);
      }
      const message = /Too many notifications for this user: at most 6 at once and 2 a second, from all senders together/;
      expectLimited(await send(otherAppToken, adele.oid), 3, message);
      expectLimited(await send(appToken, adele.oid), 3, message);
      expect(await storedFor(stack, adele.oid)).toBe(before + LIMITS.recipientBurst);
      expect((await send(appToken, sam.oid)).status).toBe(201);
      expect((await send(otherAppToken, sam.oid)).status).toBe(201);
    });
  });

  describe("per client address, before authentication", () => {
    it("answers 429 once an address has sent too many refused tokens, even with a valid token, before verifying it; other addresses are served", async () => {
      const token = await stack.tokenFor(sam.upn);
      const before = await limitedCount("failedAuth");
      const bad = (ip: string, authorization?: string) =>
        call(stack, "/me/notifications", { headers: { ...from(ip), ...(authorization ? { authorization } : {}) } });
      // Missing, malformed, expired-or-forged: each is a 401 and each counts.
      expect((await bad("198.51.100.7")).status).toBe(401);
      expect((await bad("198.51.100.7", "Bearer not-a-token")).status).toBe(401);
      expect((await bad("198.51.100.7", `Bearer ${token.slice(0, -4)}AAAA`)).status).toBe(401);
      const over = await bad("198.51.100.7", "Bearer still-wrong");
      expectLimited(over, 60, /missing or invalid token from this address: at most 3 a minute/);

      // The right token from that address: refused before it is looked at.
      const valid = await call(stack, "/me/notifications", { token, headers: from("198.51.100.7") });
      expectLimited(valid, 60);
      // Nor does a client's own entry left of the proxy's change the address.
      expectLimited(await call(stack, "/me/notifications", { token, headers: from("203.0.113.1, 198.51.100.7") }), 60);
      // A neighbour is a different address; and authenticated requests never count by address.
      expect((await call(stack, "/me/notifications", { token, headers: from("198.51.100.8") })).status).toBe(200);
      expect((await bad("198.51.100.8", "Bearer wrong")).status).toBe(401);
      expect(await limitedCount("failedAuth")).toBe(before + 3);
    });

    it("keys an IPv6 client by its /64", async () => {
      const bad = (ip: string) => call(stack, "/me/notifications", { headers: { ...from(ip), authorization: "Bearer wrong" } });
      for (const ip of ["2001:db8:1:2::1", "2001:db8:1:2::2", "[2001:db8:1:2:ffff::3]:443"]) expect((await bad(ip)).status).toBe(401);
      expectLimited(await bad("2001:db8:1:2:abcd::9"), 60);
      expect((await bad("2001:db8:1:3::1")).status).toBe(401);
    });

    it("counts a refused action token too", async () => {
      const bad = () => call(stack, "/me/notifications/00000000-0000-4000-8000-000000000001", { method: "PATCH", json: { readState: "read" }, headers: { ...from("198.51.100.20"), authorization: "Bearer uat1.forged.token" } });
      for (let i = 0; i < LIMITS.failedAuthPerMinute; i++) expect((await bad()).status).toBe(401);
      expectLimited(await bad(), 60);
    });
  });
});

describe("with no proxy trusted (TRUST_PROXY=0)", () => {
  let stack: Stack;
  /** Served over https, for the Graph SDK (which sends tokens to https hosts only). */
  let tls: Stack;

  beforeAll(async () => {
    // Recipients at the default: only the caller's burst of 10 is in the way.
    const config = { rateLimit: { ...DEFAULT_RATE_LIMIT, perSecond: 5, burst: 10, failedAuthPerMinute: 3 }, trustProxy: 0 };
    [stack, tls] = await Promise.all([startStack({ config }), startStack({ config, tls: true })]);
  });

  afterAll(async () => {
    await Promise.all([stack?.close(), tls?.close()]);
  });

  it("the Graph SDK with its default middleware sends 30 notifications against a burst of 10 without an error (its RetryHandler waits out each Retry-After)", async () => {
    const token = await tls.tokenFor(adele.upn);
    const before = await limitedCount("caller");
    const run = await runNode(path.join(__dirname, "graph-sdk-burst.ts"), {
      BASE_URL: tls.baseUrl,
      TOKEN: token,
      COUNT: "30",
      NODE_EXTRA_CA_CERTS: ensureTestCertificate().certFile,
    });
    expect(run.code, run.err).toBe(0);
    const { ids, ms } = JSON.parse(run.out) as { ids: string[]; ms: number };
    expect(new Set(ids).size).toBe(30);
    expect(await storedFor(tls, adele.oid)).toBe(30);
    // It was throttled (at least once per window past the first) and waited each time.
    expect(await limitedCount("caller")).toBeGreaterThanOrEqual(before + 2);
    expect(ms).toBeGreaterThanOrEqual(2000);
  }, 60_000);

  it("a spoofed X-Forwarded-For does not dodge the limit by address: the socket's address is the client's", async () => {
    const token = await stack.tokenFor(megan.upn);
    for (let i = 0; i < 3; i++) {
      const res = await call(stack, "/me/notifications", { headers: { authorization: "Bearer wrong", "x-forwarded-for": `203.0.113.${i + 1}` } });
      expect(res.status).toBe(401);
    }
    expectLimited(await call(stack, "/me/notifications", { headers: { authorization: "Bearer wrong", "x-forwarded-for": "203.0.113.200" } }), 60);
    expectLimited(await call(stack, "/me/notifications", { token, headers: { "x-forwarded-for": "203.0.113.201" } }), 60);
    expectLimited(await call(stack, "/me/notifications", { token }), 60);
  });
});
