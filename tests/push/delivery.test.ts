// The push delivery pipeline end to end, in process: the real service (PGlite
// in memory, pg-boss on it, the web-push sender) sends to a fake push service
// on loopback that verifies the VAPID JWT and decrypts each body with http_ece.
// Contract: "What the service pushes" in the API spec.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startIdp } from "../../idp";
import { users } from "../../testing/users";
import { API_AUDIENCE } from "../../contracts/identity";
import { loadConfig, type ServiceConfig } from "../../server/config";
import { startService, type Service } from "../../server";
import type { PushPayload } from "../../contracts/push-payload";
import { startFakePushService, type FakePushService, type TestSubscription } from "../../testing/fake-push-service";
import { appToken, userToken } from "../../testing/tokens";
import { createPushSender } from "../../server/push/send/sender";
import webpush from "web-push";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { ensureTestCertificate } from "../../testing/test-certificate";
import { readResult, type CallResult } from "../helpers/graph";
import { createTestStore, onPostgres, type TestStore } from "../../testing/test-database";

const { adele: ADELE } = users;
const VAPID_SUBJECT = "mailto:push-tests@contoso.test";

let root: string;
let idp: Awaited<ReturnType<typeof startIdp>>;
let fake: FakePushService;
/** A second push service whose browsers must show every push (as Apple's). */
let displayOnly: FakePushService;
let service: Service;
let testStore: TestStore;
let config: ServiceConfig;
let adele: string;
let app: string;

const BASE = "http://localhost/graph/beta";

/** A request straight to the service's fetch handler (no HTTP server in this suite). */
async function call<T = unknown>(method: string, p: string, token: string, json?: unknown, headers: Record<string, string> = {}): Promise<CallResult<T>> {
  const res = await service.fetch(
    new Request(`${BASE}${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(json !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      body: json === undefined ? undefined : JSON.stringify(json),
    }),
  );
  return readResult<T>(res);
}

async function subscribe(on: FakePushService = fake): Promise<{ id: string; sub: TestSubscription }> {
  const sub = on.createSubscription();
  const res = await call<{ id: string }>("POST", "/me/notifications/subscriptions", adele, {
    platform: "webPush",
    targetHostName: "tests.contoso.test",
    appDisplayName: "Inbox",
    pushSubscription: sub,
  });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.id, sub };
}

async function send(overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await call<{ id: string }>("POST", "/me/notifications", adele, {
    targetHostName: "tests.contoso.test",
    payload: { visualContent: { title: "Build failed", body: "main is red since 10:02" } },
    ...overrides,
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

async function unreadCount(): Promise<number> {
  const filter = encodeURIComponent("readState eq 'unread' and status eq 'active'");
  const res = await call("GET", `/me/notifications/$count?$filter=${filter}`, adele);
  expect(res.status, res.text).toBe(200);
  return Number(res.text);
}

function payloads(on: FakePushService, endpoint: string): PushPayload[] {
  return on.deliveries(endpoint).map((d) => d.json as PushPayload);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "push-delivery-"));
  [fake, displayOnly] = await Promise.all([startFakePushService(), startFakePushService()]);
  idp = await startIdp({ port: 0, dataDir: root, appOrigins: ["http://localhost:3999"] });
  testStore = await createTestStore("memory://", { subject: VAPID_SUBJECT });
  config = {
    ...loadConfig({} as NodeJS.ProcessEnv),
    ...testStore.config,
    issuer: idp.issuer,
    audience: API_AUDIENCE,
    seedDemo: false,
    extraPushServices: [fake.origin, `${displayOnly.origin}=display-only`],
  };
  service = await startService(config, {
    push: { ca: fake.caPem, delivery: { backoffBaseMs: 200, maxAttempts: 5 }, pollingIntervalSeconds: 0.5 },
  });
  [adele, app] = await Promise.all([userToken(idp.issuer, ADELE.upn), appToken(idp.issuer, idp.senderSecret)]);
  expect((await call("GET", "/me/notifications", adele)).status).toBe(200);
});

afterAll(async () => {
  await service?.close();
  await testStore?.close();
  await idp?.close();
  await Promise.all([fake?.close(), displayOnly?.close()]);
  if (root) await rm(root, { recursive: true, force: true });
});

beforeEach(async () => {
  await service.push.idle({ includeScheduledRetries: true });
  // Each test starts with no endpoints and an empty inbox record on the fakes.
  await service.store.db.query("DELETE FROM push_deliveries");
  await service.store.db.query("DELETE FROM endpoints");
  fake.reset();
  displayOnly.reset();
});

describe("display pushes", () => {
  it("deliver the contract's payload, VAPID-signed for the push service's origin, with TTL and Urgency", async () => {
    const { id: endpointId, sub } = await subscribe();
    const before = Date.now();
    const id = await send({ groupName: "CI", priority: "High", displayTimeToLive: 600 });
    await service.push.idle();

    const [d, ...more] = fake.deliveries(sub.endpoint);
    expect(more).toHaveLength(0);
    expect(d).toBeDefined();
    const full = (await call<Record<string, string>>("GET", `/me/notifications/${id}`, adele)).body;
    const p = d!.json as PushPayload;
    expect(Object.keys(p).sort()).toEqual(["actionToken", "kind", "notification", "unreadCount", "v"]);
    expect(p).toMatchObject({ v: 1, kind: "created" });
    expect(p.notification).toEqual({
      id,
      title: "Build failed",
      body: "main is red since 10:02",
      groupName: "CI",
      priority: "High",
      readState: "unread",
      userActionState: "noInteraction",
      status: "active",
      createdDateTime: full.createdDateTime,
      expirationDateTime: full.expirationDateTime,
    });
    expect(p.unreadCount).toBe(await unreadCount());
    expect(Buffer.byteLength(d!.plaintext!, "utf8")).toBeLessThanOrEqual(3000);
    // RFC 8292: aud is the push service's origin, exp within 24 h, sub the configured contact.
    expect(d!.vapid.aud).toBe(fake.origin);
    expect(d!.vapid.sub).toBe(VAPID_SUBJECT);
    expect(d!.vapid.exp * 1000).toBeGreaterThan(Date.now());
    expect(d!.vapid.exp * 1000).toBeLessThanOrEqual(before + 24 * 3600_000);
    // TTL: capped by displayTimeToLive (600 s) rather than the 7-day expiration.
    expect(d!.ttl).toBeGreaterThan(590);
    expect(d!.ttl).toBeLessThanOrEqual(600);
    expect(d!.urgency).toBe("high");
    expect(d!.topic).toBeUndefined();

    // The endpoint shows its last delivery.
    const list = await call<{ value: Array<{ id: string; lastDeliveryResult: string | null }> }>(
      "GET", "/me/notifications/subscriptions", adele,
    );
    expect(list.body.value.find((e) => e.id === endpointId)?.lastDeliveryResult).toBe("delivered");

    // The action token PATCHes that notification (and only as the contract allows).
    const acted = await call("PATCH", `/me/notifications/${id}`, p.actionToken!, { readState: "read" });
    expect(acted.status, acted.text).toBe(200);
  });

  it("use Urgency normal for non-High priorities and the expiration as TTL without displayTimeToLive", async () => {
    const { sub } = await subscribe();
    await send({ priority: "Low" });
    await service.push.idle();
    const [d] = fake.deliveries(sub.endpoint);
    expect(d?.urgency).toBe("normal");
    expect(d!.ttl).toBeGreaterThan(7 * 86400 - 120);
    expect(d!.ttl).toBeLessThanOrEqual(7 * 86400);
  });

  it("are not sent when targetPolicy leaves out webPush", async () => {
    const { sub } = await subscribe();
    await send({ targetPolicy: { platformTypes: ["windows", "android"] } });
    await service.push.idle();
    expect(fake.requests(sub.endpoint)).toHaveLength(0);
  });

  it("reach every endpoint of the user, app-sent ones included, and never rawContent", async () => {
    const a = await subscribe();
    const b = await subscribe();
    const res = await call("POST", `/users/${ADELE.oid}/notifications`, app, {
      targetHostName: "tests.contoso.test",
      payload: { rawContent: "secret-app-data", visualContent: { title: "From the app" } },
    });
    expect(res.status, res.text).toBe(201);
    await service.push.idle();
    for (const e of [a, b]) {
      const [d] = fake.deliveries(e.sub.endpoint);
      expect(d?.plaintext).toBeDefined();
      expect(d!.plaintext).not.toContain("secret-app-data");
      expect((d!.json as PushPayload).notification.title).toBe("From the app");
    }
  });

  it("cut an oversize multi-byte body on a code point boundary to fit 3,000 bytes, keeping the title", async () => {
    const { sub } = await subscribe();
    const body = "😀é".repeat(1024); // 2,048 UTF-16 code units, 6,144 bytes
    await send({ payload: { visualContent: { title: "Ü".repeat(256), body } } });
    await service.push.idle();
    const [d] = fake.deliveries(sub.endpoint);
    expect(Buffer.byteLength(d!.plaintext!, "utf8")).toBeLessThanOrEqual(3000);
    const p = d!.json as PushPayload;
    expect(p.notification.title).toBe("Ü".repeat(256));
    expect(p.notification.body!.endsWith("…")).toBe(true);
    expect(body.startsWith(p.notification.body!.slice(0, -1))).toBe(true);
    expect(p.notification.body!).not.toMatch(/[\uD800-\uDBFF]…$/);
  });
});

describe("state pushes", () => {
  it("go to the other endpoints that showed the item (Topic = id), not to the acting endpoint", async () => {
    const actor = await subscribe();
    const other = await subscribe();
    const id = await send();
    await service.push.idle();
    fake.reset();

    const res = await call("PATCH", `/me/notifications/${id}`, adele, { readState: "read" }, { "X-Endpoint-Id": actor.id });
    expect(res.status, res.text).toBe(200);
    await service.push.idle();

    expect(fake.requests(actor.sub.endpoint)).toHaveLength(0);
    const [d, ...more] = fake.deliveries(other.sub.endpoint);
    expect(more).toHaveLength(0);
    const p = d!.json as PushPayload;
    expect(p.kind).toBe("stateChanged");
    expect(p.notification).toMatchObject({ id, readState: "read" });
    expect(p.unreadCount).toBe(await unreadCount());
    expect(p.actionToken).toBeUndefined();
    expect(d!.topic).toBe(id.replace(/-/g, ""));
    expect(d!.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it("never leave a notification shown that was read right after it was sent (pushes of one user run in order)", async () => {
    const a = await subscribe();
    const b = await subscribe();
    for (let i = 0; i < 5; i++) {
      const id = await send({ payload: { visualContent: { title: `Race ${i}` } } });
      expect((await call("PATCH", `/me/notifications/${id}`, adele, { readState: "read" })).status).toBe(200);
    }
    await service.push.idle({ includeScheduledRetries: true });
    for (const e of [a, b]) {
      const byId = new Map<string, string[]>();
      for (const p of payloads(fake, e.sub.endpoint)) byId.set(p.notification.id, [...(byId.get(p.notification.id) ?? []), p.kind]);
      // Either never shown (read before its push went out), or shown and then closed.
      for (const kinds of byId.values()) expect(kinds).toEqual(["created", "stateChanged"]);
    }
  });

  it("are not sent to an endpoint that never showed the notification", async () => {
    await send(); // before the endpoint existed
    // Its display push done first: a job that ran after the subscription would show it there (PostgreSQL's worker may pick it up later than PGlite's).
    await service.push.idle();
    const id = (await call<{ value: Array<{ id: string }> }>("GET", "/me/notifications?$top=1", adele)).body.value[0]!.id;
    const late = await subscribe();
    await call("DELETE", `/me/notifications/${id}`, adele);
    await service.push.idle();
    expect(fake.requests(late.sub.endpoint)).toHaveLength(0);
  });

  it("skip display-only push services, which get settledIds on their next display push instead", async () => {
    const apple = await subscribe(displayOnly);
    const chrome = await subscribe(fake);
    const first = await send();
    await service.push.idle();
    expect(displayOnly.deliveries(apple.sub.endpoint)).toHaveLength(1);

    expect((await call("PATCH", `/me/notifications/${first}`, adele, { userActionState: "dismissed" })).status).toBe(200);
    await service.push.idle();
    expect(displayOnly.requests(apple.sub.endpoint)).toHaveLength(1); // no state push to Apple-like services
    expect(fake.deliveries(chrome.sub.endpoint).map((d) => (d.json as PushPayload).kind)).toEqual(["created", "stateChanged"]);

    const second = await send({ payload: { visualContent: { title: "Next" } } });
    await service.push.idle();
    const [, next] = payloads(displayOnly, apple.sub.endpoint);
    expect(next?.notification.id).toBe(second);
    expect(next?.settledIds).toEqual([first]);
    // Endpoints that get state pushes need no reconcile list.
    expect(payloads(fake, chrome.sub.endpoint)[2]?.settledIds).toBeUndefined();
  });
});

describe("payloads that cannot shrink", () => {
  it("a 413 that trimming cannot answer is recorded failed, not retried", async () => {
    const { id: endpointId, sub } = await subscribe();
    fake.respond(sub.endpoint, { status: 413 }, { status: 413 });
    // 256 backslashes: JSON doubles each, so with the rest the payload fits 1,500 bytes but never 750.
    await send({ payload: { visualContent: { title: "\\".repeat(256) } } });
    await service.push.idle({ includeScheduledRetries: true });
    expect(fake.requests(sub.endpoint).map((r) => r.status)).toEqual([413, 413]);
    const list = await call<{ value: Array<{ id: string; lastDeliveryResult: string | null }> }>(
      "GET", "/me/notifications/subscriptions", adele,
    );
    expect(list.body.value.find((e) => e.id === endpointId)?.lastDeliveryResult).toBe("failed");
  });
});

describe("snoozed items", () => {
  it("are pushed again (kind updated) when the snooze ends, with nobody reading", async () => {
    const { sub } = await subscribe();
    const id = await send();
    await service.push.idle();
    const until = new Date(Date.now() + 1500).toISOString();
    const snoozed = await call("PATCH", `/me/notifications/${id}`, adele, { userActionState: "snoozed", snoozedUntilDateTime: until });
    expect(snoozed.status, snoozed.text).toBe(200);
    await service.push.idle();
    // The snooze itself is a state change: it closes the OS notification.
    expect(payloads(fake, sub.endpoint).map((p) => p.kind)).toEqual(["created", "stateChanged"]);

    await fake.waitForDeliveries(3, { endpoint: sub.endpoint, timeoutMs: 10_000 });
    const woke = payloads(fake, sub.endpoint)[2]!;
    expect(woke.kind).toBe("updated");
    expect(woke.notification).toMatchObject({ id, userActionState: "noInteraction" });
    expect(fake.deliveries(sub.endpoint)[2]!.receivedAt).toBeGreaterThanOrEqual(Date.parse(until));
  });
});

describe("push service answers", () => {
  it("404 and 410 remove the subscription", async () => {
    const a = await subscribe();
    const b = await subscribe();
    const keep = await subscribe();
    fake.respond(a.sub.endpoint, { status: 404 });
    fake.respond(b.sub.endpoint, { status: 410 });
    await send();
    await service.push.idle();
    const list = await call<{ value: Array<{ id: string }> }>("GET", "/me/notifications/subscriptions", adele);
    expect(list.body.value.map((e) => e.id)).toEqual([keep.id]);
  });

  it("429 with Retry-After is retried no earlier than asked, and delivered once", async () => {
    const { sub } = await subscribe();
    fake.respond(sub.endpoint, { status: 429, headers: { "Retry-After": "2" } });
    await send();
    await service.push.idle({ includeScheduledRetries: true });
    const reqs = fake.requests(sub.endpoint);
    expect(reqs.map((r) => r.status)).toEqual([429, 201]);
    expect(reqs[1]!.receivedAt - reqs[0]!.receivedAt).toBeGreaterThanOrEqual(2000);
    expect(fake.deliveries(sub.endpoint)).toHaveLength(1);
  });

  it("a push service's Retry-After delays only its own endpoints' retries", async () => {
    const { sub: limited } = await subscribe();
    const { sub: other } = await subscribe(displayOnly);
    fake.respond(limited.endpoint, { status: 429, headers: { "Retry-After": "3" } });
    displayOnly.respond(other.endpoint, { status: 503 });
    await send();
    await service.push.idle({ includeScheduledRetries: true });
    const [first, retried] = displayOnly.requests(other.endpoint);
    expect([first?.status, retried?.status]).toEqual([503, 201]);
    // backoff base 200 ms: retried well before the other service's 3 s.
    expect(retried!.receivedAt - first!.receivedAt).toBeLessThan(2000);
    const limitedReqs = fake.requests(limited.endpoint);
    expect(limitedReqs.map((r) => r.status)).toEqual([429, 201]);
    expect(limitedReqs[1]!.receivedAt - limitedReqs[0]!.receivedAt).toBeGreaterThanOrEqual(3000);
  });

  it("500 three times then 201 is delivered exactly once", async () => {
    const { id: endpointId, sub } = await subscribe();
    fake.respond(sub.endpoint, { status: 500 }, { status: 502 }, { status: 503 });
    await send();
    await service.push.idle({ includeScheduledRetries: true });
    expect(fake.requests(sub.endpoint).map((r) => r.status)).toEqual([500, 502, 503, 201]);
    expect(fake.deliveries(sub.endpoint)).toHaveLength(1);
    const row = (
      await service.store.db.query<{ status: string; attempts: number }>(
        "SELECT status, attempts FROM push_deliveries WHERE endpoint_id = $1",
        [endpointId],
      )
    ).rows;
    expect(row).toEqual([{ status: "delivered", attempts: 4 }]);
  });

  it("keeps failing 5xx recorded as failed after the bounded attempts", async () => {
    const { id: endpointId, sub } = await subscribe();
    fake.respond(sub.endpoint, ...Array.from({ length: 5 }, () => ({ status: 503 })));
    await send();
    await service.push.idle({ includeScheduledRetries: true });
    expect(fake.requests(sub.endpoint)).toHaveLength(5);
    expect(fake.deliveries(sub.endpoint)).toHaveLength(0);
    const list = await call<{ value: Array<{ id: string; lastDeliveryResult: string | null }> }>(
      "GET", "/me/notifications/subscriptions", adele,
    );
    expect(list.body.value.find((e) => e.id === endpointId)?.lastDeliveryResult).toBe("failed");
  });

  it("413 is trimmed and resent at once", async () => {
    const { sub } = await subscribe();
    fake.respond(sub.endpoint, { status: 413 });
    await send({ payload: { visualContent: { title: "Large", body: "x".repeat(2048) } } });
    await service.push.idle();
    const reqs = fake.requests(sub.endpoint);
    expect(reqs.map((r) => r.status)).toEqual([413, 201]);
    expect(reqs[1]!.bodyBytes).toBeLessThan(reqs[0]!.bodyBytes);
    const [d] = fake.deliveries(sub.endpoint);
    expect(Buffer.byteLength(d!.plaintext!, "utf8")).toBeLessThanOrEqual(1500);
    expect((d!.json as PushPayload).notification.title).toBe("Large");
    expect((d!.json as PushPayload).notification.body!.endsWith("…")).toBe(true);
  });
});

describe("maintenance", () => {
  // PostgreSQL runs autovacuum itself; the service vacuums only PGlite.
  it.skipIf(onPostgres())("vacuums the tables pushes churn, and the per-user counters (PGlite has no autovacuum: their dead rows' space is never reused otherwise)", async () => {
    await subscribe();
    await send();
    await service.push.idle();
    await service.runMaintenance();
    // pgboss.job is partitioned by queue: its partitions hold the rows.
    const { rows } = await service.store.db.query<{ name: string; vacuums: number }>(
      `SELECT CASE WHEN s.relid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'pgboss.job'::regclass)
                   THEN 'pgboss.job partition' ELSE s.schemaname || '.' || s.relname END AS name,
              s.vacuum_count::int AS vacuums
         FROM pg_stat_all_tables s
        WHERE s.relid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'pgboss.job'::regclass)
           OR (s.schemaname, s.relname) IN (('pgboss', 'archive'), ('public', 'notification_events'),
                                            ('public', 'push_deliveries'), ('public', 'endpoints'), ('public', 'user_counters'))
        ORDER BY 1`,
    );
    expect(new Set(rows.map((r) => r.name))).toEqual(
      new Set(["pgboss.archive", "pgboss.job partition", "public.endpoints", "public.notification_events", "public.push_deliveries", "public.user_counters"]),
    );
    expect(rows.filter((r) => r.vacuums === 0)).toEqual([]);
  });
});

describe("stopping", () => {
  it("close() in the middle of a fan-out leaves nothing running, and the next start sends what it cut off once", async () => {
    // A store of its own: the suite's service must not take this one's jobs.
    const own = await createTestStore(path.join(root, "close-mid-fan-out"), { subject: VAPID_SUBJECT });
    const cfg: ServiceConfig = { ...config, ...own.config };
    const opts = { push: { ca: fake.caPem, delivery: { backoffBaseMs: 200 } } };
    let svc = await startService(cfg, opts);
    const errors = vi.spyOn(console, "error");
    try {
      const post = async (p: string, json: unknown) => {
        const res = await svc.fetch(
          new Request(`${BASE}${p}`, {
            method: "POST",
            headers: { authorization: `Bearer ${adele}`, "content-type": "application/json" },
            body: JSON.stringify(json),
          }),
        );
        expect(res.status, await res.clone().text()).toBe(201);
      };
      const subs = [fake.createSubscription(), fake.createSubscription(), fake.createSubscription()];
      for (const s of subs) {
        fake.hold(s.endpoint);
        await post("/me/notifications/subscriptions", { platform: "webPush", targetHostName: "tests.contoso.test", pushSubscription: s });
      }
      await post("/me/notifications", { targetHostName: "tests.contoso.test", payload: { visualContent: { title: "Stopping" } } });
      for (let i = 0; i < 500 && subs.some((s) => fake.requests(s.endpoint).length === 0); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(subs.map((s) => fake.requests(s.endpoint).length)).toEqual([1, 1, 1]);

      await svc.close();
      const atClose = errors.mock.calls.length;
      fake.release();
      await new Promise((r) => setTimeout(r, 500));
      // Nothing of the pipeline ran on after close(): no job wrote to the closed
      // store (that logs an error), no send left after it.
      expect(errors.mock.calls.slice(atClose)).toEqual([]);
      expect(subs.map((s) => fake.requests(s.endpoint).length)).toEqual([1, 1, 1]);

      // The sends cut off had no recorded answer: the next start sends each once more
      // (the push service may have taken the first: the documented crash window).
      svc = await startService(cfg, opts);
      await svc.push.idle({ includeScheduledRetries: true });
      expect(subs.map((s) => fake.requests(s.endpoint).length)).toEqual([2, 2, 2]);
      expect(subs.map((s) => fake.requests(s.endpoint)[1]!.status)).toEqual([201, 201, 201]);
    } finally {
      errors.mockRestore();
      fake.release();
      await svc.close();
      await own.close();
    }
  });
});

describe("the sender", () => {
  it("cuts off a push service whose answer never ends (the timeout is for the whole answer, not per silence)", async () => {
    const cert = ensureTestCertificate();
    const timers: NodeJS.Timeout[] = [];
    const slow = https.createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
      req.resume();
      res.writeHead(201, { "content-type": "text/plain" });
      // A byte every 100 ms, for ever: never silent long enough for an idle timeout.
      timers.push(setInterval(() => res.write("."), 100));
    });
    await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
    const keys = webpush.generateVAPIDKeys();
    const sender = createPushSender({ vapid: { ...keys, subject: VAPID_SUBJECT }, ca: cert.certPem, timeoutMs: 500 });
    try {
      const sub = fake.createSubscription();
      const endpoint = `https://localhost:${(slow.address() as AddressInfo).port}/push/slow`;
      const started = Date.now();
      const outcome = await sender.send({ endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth }, "{}", { ttl: 30, urgency: "normal" });
      expect(outcome.status).toBe(0);
      expect(outcome.error).toMatch(/no answer in 500 ms|aborted/);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      sender.close();
      for (const t of timers) clearInterval(t);
      slow.closeAllConnections();
      await new Promise((r) => slow.close(r));
    }
  });

  it("close() aborts sends in flight and those waiting for a socket: none goes out after it", async () => {
    const keys = webpush.generateVAPIDKeys();
    const sender = createPushSender({ vapid: { ...keys, subject: VAPID_SUBJECT }, ca: fake.caPem, maxSocketsPerOrigin: 1 });
    const subs = [fake.createSubscription(), fake.createSubscription(), fake.createSubscription()];
    for (const s of subs) fake.hold(s.endpoint);
    try {
      const sends = subs.map((s) =>
        sender.send({ endpoint: s.endpoint, p256dh: s.keys.p256dh, auth: s.keys.auth }, "{}", { ttl: 30, urgency: "normal" }),
      );
      // One socket: the first send is held by the fake, the other two wait for the socket.
      for (let i = 0; i < 200 && fake.requests().length < 1; i++) await new Promise((r) => setTimeout(r, 10));
      expect(fake.requests()).toHaveLength(1);
      sender.close();
      const outcomes = await Promise.all(sends);
      expect(outcomes.map((o) => o.status)).toEqual([0, 0, 0]);
      const after = await sender.send({ endpoint: subs[0]!.endpoint, p256dh: subs[0]!.keys.p256dh, auth: subs[0]!.keys.auth }, "{}", { ttl: 30, urgency: "normal" });
      expect(after.status).toBe(0);
      await new Promise((r) => setTimeout(r, 300));
      expect(fake.requests()).toHaveLength(1);
    } finally {
      fake.release();
      sender.close();
    }
  });

  for (const encryptInWorker of [true, false]) {
    it(`encrypts ${encryptInWorker ? "in its worker thread" : "inline"} what the push service decrypts, and reuses one VAPID JWT per origin`, async () => {
      const keys = webpush.generateVAPIDKeys();
      const sender = createPushSender({ vapid: { ...keys, subject: VAPID_SUBJECT }, ca: fake.caPem, encryptInWorker });
      try {
        const subs = [fake.createSubscription(), fake.createSubscription(), fake.createSubscription()];
        const results = await Promise.all(
          subs.map((s, i) =>
            sender.send({ endpoint: s.endpoint, p256dh: s.keys.p256dh, auth: s.keys.auth }, `{"n":${i},"text":"é😀"}`, { ttl: 30, urgency: "normal" }),
          ),
        );
        expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
        const delivered = subs.map((s) => fake.deliveries(s.endpoint)[0]!);
        expect(delivered.map((d) => d.plaintext)).toEqual([0, 1, 2].map((i) => `{"n":${i},"text":"é😀"}`));
        expect(new Set(delivered.map((d) => d.vapid.exp)).size).toBe(1);
        expect(delivered.every((d) => d.vapid.publicKey === keys.publicKey)).toBe(true);
        // Keys no browser could have made fail at once as a 400, without a request.
        const bad = await sender.send({ endpoint: subs[0]!.endpoint, p256dh: "AAAA", auth: "AAAA" }, "{}", { ttl: 1, urgency: "normal" });
        expect(bad.status).toBe(400);
      } finally {
        sender.close();
      }
    });
  }
});
