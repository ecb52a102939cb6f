// Endpoints (contract: "Endpoints: where a user receives notifications"): registration,
// idempotency, takeover, isolation, bad input, ownership, expiry, the VAPID key and the
// X-UNS-ID send path. Real service over HTTP; tokens are the provider's, or signed with a key
// the service trusts (so each test can be a fresh user, and the clock can move 60 days).
import { createECDH, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TENANT_A, TENANT_B } from "../../contracts/demo-users";
import { users } from "../../testing/users";
import { SEND_ROLE, USER_SCOPE } from "../../contracts/identity";
import type { Stack } from "../../testing/stack";
import { MAX_ENDPOINTS_PER_USER, purgeExpiredEndpoints } from "../../server/endpoints/service";
import {
  call,
  expectGraphError,
  getOne,
  listIds,
  newPushSubscription,
  registerEndpoint,
  visualNotification,
  type EndpointResource,
  type Page,
} from "../helpers/graph";
import { startClockStack, type ClockStack } from "../../testing/clock-stack";

const { adele: ADELE } = users;
const DAY_MS = 86_400_000;
const KID = "subscriptions-test-key";
const CHROME_ANDROID =
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";

let stack: Stack;
let clock: ClockStack;

beforeAll(async () => {
  clock = await startClockStack(KID);
  stack = clock.stack;
});

afterAll(async () => {
  await stack?.close();
});

const sign = (claims: Record<string, unknown>) => clock.sign({ ver: "2.0", ...claims });

/** A fresh user of `tenantId` (valid on the service's clock, however far it has moved). */
async function newUser(tenantId = TENANT_A): Promise<{ oid: string; token: () => Promise<string> }> {
  const oid = randomUUID();
  return { oid, token: () => sign({ tid: tenantId, oid, sub: oid, scp: USER_SCOPE, azp: "inbox-web" }) };
}

const appToken = (tenantId = TENANT_A) =>
  sign({ tid: tenantId, oid: "c3a9e5f1-7d2b-4c6e-8a10-3b4c5d6e7f01", sub: "c3a9e5f1-7d2b-4c6e-8a10-3b4c5d6e7f01", azp: "notifications-sender", roles: [SEND_ROLE], idtyp: "app" });

const webPushBody = (sub: unknown = newPushSubscription(), extra: Record<string, unknown> = {}) => ({
  platform: "webPush",
  targetHostName: "inbox.contoso.test",
  appDisplayName: "Inbox",
  pushSubscription: sub,
  ...extra,
});

async function rowCount(userId: string): Promise<number> {
  const { rows } = await stack.db.query<{ n: number }>("SELECT count(*)::int AS n FROM endpoints WHERE user_id = $1", [userId]);
  return rows[0]!.n;
}

async function listOf(token: string): Promise<EndpointResource[]> {
  const res = await call<Page<EndpointResource>>(stack, "/me/notifications/subscriptions", { token });
  expect(res.status, res.text).toBe(200);
  return res.body.value;
}

describe("GET /notifications/vapidPublicKey", () => {
  it("answers the service's P-256 public key without a token, cacheable briefly", async () => {
    const res = await call<{ key: string }>(stack, "/notifications/vapidPublicKey");
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body)).toEqual(["key"]);
    const point = Buffer.from(res.body.key, "base64url");
    expect(point.length).toBe(65);
    expect(point[0]).toBe(4);
    expect(res.body.key).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(res.headers.get("cache-control")).toMatch(/max-age=\d+/);
  });

  it("is the same key after every call (generated once, kept in the data folder)", async () => {
    const a = await call<{ key: string }>(stack, "/notifications/vapidPublicKey");
    const b = await call<{ key: string }>(stack, "/notifications/vapidPublicKey");
    expect(a.body.key).toBe(b.body.key);
  });

  it("answers 405 to other methods", async () => {
    expectGraphError(await call(stack, "/notifications/vapidPublicKey", { method: "POST", json: {} }), 405, "methodNotAllowed");
  });
});

describe("registering an endpoint", () => {
  it("creates a webPush endpoint: 201, a new id, the resource without keys or the push URL", async () => {
    const u = await newUser();
    const sub = newPushSubscription();
    const res = await registerEndpoint(stack, await u.token(), webPushBody(sub), { "user-agent": CHROME_ANDROID });
    expect(res.status, res.text).toBe(201);
    const r = res.body;
    expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(r).toMatchObject({
      platform: "webPush",
      targetHostName: "inbox.contoso.test",
      appDisplayName: "Inbox",
      deviceName: "Chrome on Android",
      lastDeliveryDateTime: null,
      lastDeliveryResult: null,
      pushServiceHost: "fcm.googleapis.com",
    });
    const now = clock.now().getTime();
    expect(Math.abs(Date.parse(r.createdDateTime) - now)).toBeLessThan(60_000);
    expect(Math.abs(Date.parse(r.expirationDateTime) - (now + 60 * DAY_MS))).toBeLessThan(60_000);
    expect(res.text).not.toContain(sub.keys.p256dh);
    expect(res.text).not.toContain(sub.keys.auth);
    expect(res.text).not.toContain(sub.endpoint);
    expect(res.headers.get("location")).toBe(`${stack.baseUrl}/me/notifications/subscriptions/${r.id}`);
    const back = await call<EndpointResource>(stack, `/me/notifications/subscriptions/${r.id}`, { token: await u.token() });
    expect(back.body).toMatchObject({ id: r.id });
    expect(await listOf(await u.token())).toEqual([expect.objectContaining({ id: r.id })]);
  });

  it("keeps a deviceName the body gives over the User-Agent's", async () => {
    const u = await newUser();
    const res = await registerEndpoint(stack, await u.token(), webPushBody(undefined, { deviceName: "Kitchen tablet" }), {
      "user-agent": CHROME_ANDROID,
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.deviceName).toBe("Kitchen tablet");
  });

  it("registers a browser without push permission as platform web", async () => {
    const u = await newUser();
    const res = await registerEndpoint(stack, await u.token(), { platform: "web", appDisplayName: "Inbox" });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ platform: "web", pushServiceHost: null });
  });

  it("is idempotent on the push endpoint: same id, 200, keys and expiry refreshed", async () => {
    const u = await newUser();
    const sub = newPushSubscription();
    const first = await registerEndpoint(stack, await u.token(), webPushBody(sub));
    expect(first.status, first.text).toBe(201);
    clock.advance(3 * DAY_MS);
    try {
      const fresh = newPushSubscription();
      const renewed = { ...sub, keys: fresh.keys };
      const again = await registerEndpoint(stack, await u.token(), webPushBody(renewed));
      expect(again.status, again.text).toBe(200);
      expect(again.body.id).toBe(first.body.id);
      expect(again.body.createdDateTime).toBe(first.body.createdDateTime);
      expect(Date.parse(again.body.expirationDateTime) - Date.parse(first.body.expirationDateTime)).toBeGreaterThan(2.9 * DAY_MS);
      const { rows } = await stack.db.query<{ p256dh: string; auth: string }>(
        "SELECT p256dh, auth FROM endpoints WHERE id = $1",
        [first.body.id],
      );
      expect(rows[0]).toEqual({ p256dh: fresh.keys.p256dh, auth: fresh.keys.auth });
      expect(await rowCount(u.oid)).toBe(1);
    } finally {
      clock.advance(-3 * DAY_MS);
    }
  });

  it("gives one endpoint for ten simultaneous first registrations of one push URL (one 201, nine 200)", async () => {
    const u = await newUser();
    const token = await u.token();
    const sub = newPushSubscription();
    const results = await Promise.all(Array.from({ length: 10 }, () => registerEndpoint(stack, token, webPushBody(sub))));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(await rowCount(u.oid)).toBe(1);
  });

  it("renews a web endpoint by its id instead of adding another, and upgrades it to webPush", async () => {
    const u = await newUser();
    const web = await registerEndpoint(stack, await u.token(), { platform: "web" });
    const again = await registerEndpoint(stack, await u.token(), { platform: "web", id: web.body.id });
    expect(again.status, again.text).toBe(200);
    expect(again.body.id).toBe(web.body.id);
    const upgraded = await registerEndpoint(stack, await u.token(), webPushBody(undefined, { id: web.body.id }));
    expect(upgraded.status, upgraded.text).toBe(200);
    expect(upgraded.body).toMatchObject({ id: web.body.id, platform: "webPush" });
    expect(await rowCount(u.oid)).toBe(1);
  });

  it("does not renew another user's endpoint by id: it creates the caller's own", async () => {
    const owner = await newUser();
    const other = await newUser();
    const web = await registerEndpoint(stack, await owner.token(), { platform: "web" });
    const res = await registerEndpoint(stack, await other.token(), { platform: "web", id: web.body.id });
    expect(res.status, res.text).toBe(201);
    expect(res.body.id).not.toBe(web.body.id);
    expect((await listOf(await owner.token())).map((e) => e.id)).toEqual([web.body.id]);
  });

  it("hands a push endpoint registered by another user over with a new id; the previous owner's row is gone", async () => {
    const first = await newUser();
    const second = await newUser();
    const sub = newPushSubscription();
    const a = await registerEndpoint(stack, await first.token(), webPushBody(sub));
    const b = await registerEndpoint(stack, await second.token(), webPushBody(sub));
    expect(b.status, b.text).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
    expect(await listOf(await first.token())).toEqual([]);
    expect((await listOf(await second.token())).map((e) => e.id)).toEqual([b.body.id]);
    expectGraphError(
      await call(stack, `/me/notifications/subscriptions/${a.body.id}`, { method: "DELETE", token: await first.token() }),
      404,
      "itemNotFound",
    );
    expect(await rowCount(first.oid)).toBe(0);
  });

  it(`keeps at most ${MAX_ENDPOINTS_PER_USER} endpoints per user, evicting the least recently renewed`, async () => {
    const u = await newUser();
    const token = await u.token();
    const ids: string[] = [];
    for (let i = 0; i < MAX_ENDPOINTS_PER_USER; i++) {
      clock.advance(1000); // distinct renewal times
      const res = await registerEndpoint(stack, token, { platform: "web" });
      expect(res.status, res.text).toBe(201);
      ids.push(res.body.id);
    }
    // Renewing the oldest makes the second oldest the least recently renewed.
    clock.advance(1000);
    expect((await registerEndpoint(stack, token, { platform: "web", id: ids[0] })).status).toBe(200);
    clock.advance(1000);
    const extra = await registerEndpoint(stack, token, { platform: "web" });
    expect(extra.status, extra.text).toBe(201);
    const listed = (await listOf(token)).map((e) => e.id);
    expect(listed).toHaveLength(MAX_ENDPOINTS_PER_USER);
    expect(listed).toContain(ids[0]);
    expect(listed).toContain(extra.body.id);
    expect(listed).not.toContain(ids[1]);
  });
});

describe("bad registrations are 400 invalidRequest naming the field, and store nothing", () => {
  const valid = newPushSubscription();
  const offCurve = Buffer.alloc(65, 7);
  offCurve[0] = 4;
  const compressed = createECDH("prime256v1");
  compressed.generateKeys();
  const cases: Array<[string, unknown, string | RegExp]> = [
    ["an http: push endpoint", webPushBody({ ...valid, endpoint: "http://fcm.googleapis.com/fcm/send/x" }), "pushSubscription.endpoint"],
    ["a push service not on the allowlist", webPushBody({ ...valid, endpoint: "https://push.evil.test/x" }), "https://push.evil.test"],
    ["a loopback push service not configured", webPushBody({ ...valid, endpoint: "https://127.0.0.1:4450/push/x" }), "https://127.0.0.1:4450"],
    // WHATWG URL reads this host as a subdomain of WNS; Node's url.parse (web-push's sendNotification) as evil.test.
    ["a host that parsers read differently", webPushBody({ ...valid, endpoint: "https://evil.test;.notify.windows.com/w/?token=x" }), "evil.test"],
    ["an endpoint that is not a URL", webPushBody({ ...valid, endpoint: "fcm.googleapis.com/x" }), "pushSubscription.endpoint"],
    ["an endpoint longer than 2048", webPushBody({ ...valid, endpoint: `https://fcm.googleapis.com/${"x".repeat(2050)}` }), "pushSubscription.endpoint"],
    ["p256dh of the wrong length", webPushBody({ ...valid, keys: { ...valid.keys, p256dh: valid.keys.p256dh.slice(0, 60) } }), "pushSubscription.keys.p256dh"],
    ["p256dh not on the curve", webPushBody({ ...valid, keys: { ...valid.keys, p256dh: offCurve.toString("base64url") } }), "pushSubscription.keys.p256dh"],
    ["p256dh compressed", webPushBody({ ...valid, keys: { ...valid.keys, p256dh: compressed.getPublicKey(null, "compressed").toString("base64url") } }), "pushSubscription.keys.p256dh"],
    ["p256dh not base64url", webPushBody({ ...valid, keys: { ...valid.keys, p256dh: `${valid.keys.p256dh.slice(1)}+` } }), "pushSubscription.keys.p256dh"],
    ["auth of the wrong length", webPushBody({ ...valid, keys: { ...valid.keys, auth: Buffer.alloc(12).toString("base64url") } }), "pushSubscription.keys.auth"],
    ["keys missing", webPushBody({ endpoint: valid.endpoint, expirationTime: null }), "pushSubscription.keys"],
    ["auth missing", webPushBody({ ...valid, keys: { p256dh: valid.keys.p256dh } }), "pushSubscription.keys.auth"],
    ["keys of the wrong type", webPushBody({ ...valid, keys: { p256dh: 5, auth: valid.keys.auth } }), "pushSubscription.keys.p256dh"],
    ["an expirationTime in the past", webPushBody({ ...valid, expirationTime: Date.now() - 1000 }), "pushSubscription.expirationTime"],
    ["a negative expirationTime", webPushBody({ ...valid, expirationTime: -1 }), "pushSubscription.expirationTime"],
    ["webPush without a pushSubscription", { platform: "webPush" }, "pushSubscription"],
    ["web with a pushSubscription", { platform: "web", pushSubscription: valid }, "pushSubscription"],
    ["an unknown platform", { platform: "windows" }, "platform"],
    ["an unknown property", { platform: "web", color: "red" }, "color"],
    ["an over-long deviceName", { platform: "web", deviceName: "d".repeat(129) }, "deviceName"],
    ["an id that is not a GUID", { platform: "web", id: "abc" }, "id"],
    ["a pushSubscription that is a string", { platform: "webPush", pushSubscription: "x" }, "pushSubscription"],
  ];

  it.each(cases)("%s", async (_name, body, field) => {
    const u = await newUser();
    const res = await registerEndpoint(stack, await u.token(), body as Record<string, unknown>);
    expectGraphError(res, 400, "invalidRequest", field);
    expect(await rowCount(u.oid)).toBe(0);
  });

  it.each([
    ["not JSON", "{platform:"],
    ["an array", "[]"],
    ["empty", ""],
  ])("a body that is %s", async (_name, raw) => {
    const u = await newUser();
    const res = await call(stack, "/me/notifications/subscriptions", { method: "POST", token: await u.token(), raw });
    expectGraphError(res, 400, "invalidRequest");
    expect(await rowCount(u.oid)).toBe(0);
  });
});

describe("listing and removing endpoints", () => {
  it("lists only the caller's endpoints; GET /me/notifications/subscriptions is never a notification id", async () => {
    const a = await newUser();
    const b = await newUser();
    const mine = await registerEndpoint(stack, await a.token(), webPushBody());
    await registerEndpoint(stack, await b.token(), webPushBody());
    const list = await call<Page<EndpointResource>>(stack, "/me/notifications/subscriptions", { token: await a.token() });
    expect(list.status, list.text).toBe(200);
    expect(list.body["@odata.context"]).toContain("/notifications/subscriptions");
    expect(list.body.value.map((e) => e.id)).toEqual([mine.body.id]);
  });

  it("deletes the caller's endpoint (204), after which it is gone (404)", async () => {
    const u = await newUser();
    const e = await registerEndpoint(stack, await u.token(), webPushBody());
    const path = `/me/notifications/subscriptions/${e.body.id}`;
    expect((await call(stack, path, { token: await u.token() })).status).toBe(200);
    const del = await call(stack, path, { method: "DELETE", token: await u.token() });
    expect(del.status, del.text).toBe(204);
    expectGraphError(await call(stack, path, { method: "DELETE", token: await u.token() }), 404, "itemNotFound");
    expectGraphError(await call(stack, path, { token: await u.token() }), 404, "itemNotFound");
    expect(await rowCount(u.oid)).toBe(0);
  });

  it("answers another user's endpoint (same tenant or not) exactly like a missing one, and leaves it", async () => {
    const owner = await newUser();
    const e = await registerEndpoint(stack, await owner.token(), webPushBody());
    const path = `/me/notifications/subscriptions/${e.body.id}`;
    for (const intruder of [await newUser(), await newUser(TENANT_B)]) {
      const token = await intruder.token();
      expectGraphError(await call(stack, path, { method: "DELETE", token }), 404, "itemNotFound");
      expectGraphError(await call(stack, path, { token }), 404, "itemNotFound");
      expect(await listOf(token)).toEqual([]);
    }
    expectGraphError(await call(stack, `/me/notifications/subscriptions/${randomUUID()}`, { method: "DELETE", token: await owner.token() }), 404, "itemNotFound");
    expectGraphError(await call(stack, "/me/notifications/subscriptions/not-a-guid", { method: "DELETE", token: await owner.token() }), 404, "itemNotFound");
    expect(await rowCount(owner.oid)).toBe(1);
  });

  it("refuses app-only tokens and other methods", async () => {
    expectGraphError(await call(stack, "/me/notifications/subscriptions", { token: await appToken() }), 403, "accessDenied");
    expectGraphError(await registerEndpoint(stack, await appToken(), { platform: "web" }), 403, "accessDenied");
    const u = await newUser();
    expectGraphError(await call(stack, "/me/notifications/subscriptions", { method: "PATCH", token: await u.token(), json: {} }), 405, "methodNotAllowed");
    expectGraphError(await call(stack, "/me/notifications/subscriptions", { method: "DELETE", token: await u.token() }), 405, "methodNotAllowed");
    expectGraphError(await call(stack, "/me/notifications/subscriptions"), 401, "unauthenticated");
  });

  it("refuses GET /users/{id}/notifications/subscriptions (support access is not available yet)", async () => {
    const adele = await stack.tokenFor(ADELE.upn);
    const u = await newUser();
    expectGraphError(await call(stack, `/users/${u.oid}/notifications/subscriptions`, { token: adele }), 403, "accessDenied");
  });
});

describe("expiry after 60 days without renewal", () => {
  it("keeps an endpoint renewed in time, drops one that was not, and purges it with its deliveries", async () => {
    const u = await newUser();
    const kept = await registerEndpoint(stack, await u.token(), webPushBody());
    const dropped = await registerEndpoint(stack, await u.token(), webPushBody());
    const keptSub = newPushSubscription();
    const keptAgain = await registerEndpoint(stack, await u.token(), webPushBody(keptSub));
    clock.advance(59 * DAY_MS);
    try {
      expect((await listOf(await u.token())).map((e) => e.id).sort()).toEqual([kept.body.id, dropped.body.id, keptAgain.body.id].sort());
      expect((await registerEndpoint(stack, await u.token(), webPushBody(keptSub))).status).toBe(200);
      clock.advance(2 * DAY_MS);
      expect((await listOf(await u.token())).map((e) => e.id)).toEqual([keptAgain.body.id]);
      expectGraphError(await call(stack, `/me/notifications/subscriptions/${dropped.body.id}`, { token: await u.token() }), 404, "itemNotFound");
      const sent = await call(stack, "/me/notifications", {
        method: "POST",
        token: await appToken(),
        json: visualNotification("to an expired endpoint"),
        headers: { "X-UNS-ID": dropped.body.id },
      });
      expectGraphError(sent, 404, "itemNotFound", "X-UNS-ID");
      await stack.db.query(
        `INSERT INTO push_deliveries (event_seq, endpoint_id, tenant_id, user_id, notification_id, kind, status, at)
         VALUES (999999999, $1, $2, $3, $4, 'created', 'delivered', now())`,
        [dropped.body.id, TENANT_A, u.oid, randomUUID()],
      );
      expect(await purgeExpiredEndpoints(stack.db, clock.now())).toBeGreaterThanOrEqual(2);
      const { rows } = await stack.db.query<{ id: string }>("SELECT id::text AS id FROM endpoints WHERE user_id = $1", [u.oid]);
      expect(rows.map((r) => r.id)).toEqual([keptAgain.body.id]);
      const deliveries = await stack.db.query("SELECT 1 FROM push_deliveries WHERE endpoint_id = $1", [dropped.body.id]);
      expect(deliveries.rows).toHaveLength(0);
    } finally {
      clock.advance(-61 * DAY_MS);
    }
  });
});

describe("X-UNS-ID: an app server sends through one of the user's endpoints", () => {
  it("creates the notification for that endpoint's user; Location names the user", async () => {
    const u = await newUser();
    const e = await registerEndpoint(stack, await u.token(), { platform: "web" });
    const res = await call<{ id: string }>(stack, "/me/notifications", {
      method: "POST",
      token: await appToken(),
      json: visualNotification("via UNS"),
      headers: { "X-UNS-ID": e.body.id },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.headers.get("location")).toBe(`${stack.baseUrl}/users/${u.oid}/notifications/${res.body.id}`);
    expect(res.body).toMatchObject({ "@odata.context": expect.stringContaining(`users('${u.oid}')`) });
    expect((await getOne(stack, await u.token(), res.body.id)).payload.visualContent?.title).toBe("via UNS");
    expect(await listIds(stack, await stack.tokenFor(ADELE.upn))).not.toContain(res.body.id);
    const { rows } = await stack.db.query<{ actor_kind: string; endpoint_id: string | null }>(
      "SELECT actor_kind, endpoint_id FROM notification_events WHERE notification_id = $1",
      [res.body.id],
    );
    expect(rows).toEqual([{ actor_kind: "app", endpoint_id: null }]);
  });

  it("answers 404 itemNotFound alike for an unknown id, a malformed one, a deleted endpoint and another tenant's", async () => {
    const bruno = await newUser(TENANT_B);
    const brunos = await registerEndpoint(stack, await bruno.token(), { platform: "web" });
    const gone = await newUser();
    const deleted = await registerEndpoint(stack, await gone.token(), { platform: "web" });
    await call(stack, `/me/notifications/subscriptions/${deleted.body.id}`, { method: "DELETE", token: await gone.token() });
    for (const uns of [randomUUID(), "not-a-guid", deleted.body.id, brunos.body.id]) {
      const res = await call(stack, "/me/notifications", {
        method: "POST",
        token: await appToken(),
        json: visualNotification("nowhere"),
        headers: { "X-UNS-ID": uns },
      });
      expectGraphError(res, 404, "itemNotFound", "X-UNS-ID");
    }
    const { rows } = await stack.db.query("SELECT 1 FROM notifications WHERE user_id = ANY($1)", [[bruno.oid, gone.oid]]);
    expect(rows).toHaveLength(0);
  });

  it("still needs the send role, and still refuses an app token without X-UNS-ID", async () => {
    const u = await newUser();
    const e = await registerEndpoint(stack, await u.token(), { platform: "web" });
    const noRole = await sign({ tid: TENANT_A, oid: randomUUID(), azp: "other-app", roles: ["Something.Else"], idtyp: "app" });
    expectGraphError(
      await call(stack, "/me/notifications", { method: "POST", token: noRole, json: visualNotification("x"), headers: { "X-UNS-ID": e.body.id } }),
      403,
      "accessDenied",
    );
    expectGraphError(await call(stack, "/me/notifications", { method: "POST", token: await appToken(), json: visualNotification("x") }), 403, "accessDenied");
  });
});
