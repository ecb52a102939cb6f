// What support sees about one notification (contract: "Support and audit"):
// the delivery record per endpoint and the event log, from a real fan-out of
// the real service (PGlite in memory, pg-boss, the web-push sender) to a fake
// push service that answers as told, with the device's receipts posted with
// the push's own action token.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIdp } from "../../idp";
import { users } from "../../testing/users";
import { API_AUDIENCE } from "../../contracts/identity";
import type { PushPayload } from "../../contracts/push-payload";
import { SUPPORT_REASON_HEADER, type DeliveryRecord, type NotificationEventEntry, type UserSummary } from "../../contracts/support";
import { loadConfig } from "../../server/config";
import { startService, type Service } from "../../server";
import { startFakePushService, type FakePushService, type TestSubscription } from "../../testing/fake-push-service";
import { userToken } from "../../testing/tokens";
import { createTestStore, type TestStore } from "../../testing/test-database";
import { readResult, type CallResult } from "../helpers/graph";

const { adele: ADELE, sam: SAM } = users;
const BASE = "http://localhost/graph/beta";

let root: string;
let idp: Awaited<ReturnType<typeof startIdp>>;
let fake: FakePushService;
let service: Service;
let testStore: TestStore;
let adele: string;
let sam: string;

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

const asSupport = <T>(p: string) => call<T>("GET", p, sam, undefined, { [SUPPORT_REASON_HEADER]: "ticket 1" });

async function subscribe(deviceName: string): Promise<{ id: string; sub: TestSubscription }> {
  const sub = fake.createSubscription();
  const res = await call<{ id: string }>("POST", "/me/notifications/subscriptions", adele, {
    platform: "webPush",
    targetHostName: "tests.contoso.test",
    appDisplayName: "Inbox",
    deviceName,
    pushSubscription: sub,
  });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.id, sub };
}

async function send(title: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await call<{ id: string }>("POST", "/me/notifications", adele, {
    targetHostName: "tests.contoso.test",
    payload: { visualContent: { title } },
    ...overrides,
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

function byDevice(records: DeliveryRecord[]): Record<string, DeliveryRecord> {
  return Object.fromEntries(records.map((r) => [r.endpoint.deviceName ?? r.endpoint.id, r]));
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "support-deliveries-"));
  fake = await startFakePushService();
  idp = await startIdp({ port: 0, dataDir: root, appOrigins: ["http://localhost:3999"] });
  testStore = await createTestStore("memory://", { subject: "mailto:support-tests@contoso.test" });
  service = await startService(
    {
      ...loadConfig({} as NodeJS.ProcessEnv),
      ...testStore.config,
      issuer: idp.issuer,
      audience: API_AUDIENCE,
      seedDemo: false,
      extraPushServices: [fake.origin],
    },
    { push: { ca: fake.caPem, delivery: { backoffBaseMs: 100, maxAttempts: 3 }, pollingIntervalSeconds: 0.5 } },
  );
  [adele, sam] = await Promise.all([userToken(idp.issuer, ADELE.upn), userToken(idp.issuer, SAM.upn)]);
  expect((await call("GET", "/me/notifications", adele)).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await service?.close();
  await testStore?.close();
  await idp?.close();
  await fake?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("a notification's delivery record", () => {
  let phone: { id: string; sub: TestSubscription };
  let laptop: { id: string; sub: TestSubscription };
  let old: { id: string; sub: TestSubscription };
  let nid: string;

  beforeAll(async () => {
    phone = await subscribe("Adele's Pixel");
    laptop = await subscribe("Chrome on Windows");
    old = await subscribe("Firefox on Linux");
    const web = await call("POST", "/me/notifications/subscriptions", adele, { platform: "web", targetHostName: "tests.contoso.test", deviceName: "Safari on Mac" });
    expect(web.status).toBe(201);
    fake.respond(laptop.sub.endpoint, { status: 503 });
    fake.respond(old.sub.endpoint, { status: 410 });
    nid = await send("Build failed");
    await service.push.idle({ includeScheduledRetries: true });
    // The phone's service worker: received, then shown as an OS notification.
    const [pushed] = fake.deliveries(phone.sub.endpoint);
    const token = (pushed!.json as PushPayload).actionToken!;
    for (const body of [{ outcome: "received" }, { outcome: "shown", how: "system" }]) {
      const res = await call("POST", `/me/notifications/${nid}/receipts`, token, body);
      expect(res.status, res.text).toBe(204);
    }
    // Dismissed on the phone (the app's request names its endpoint).
    const dismissed = await call("PATCH", `/me/notifications/${nid}`, adele, { userActionState: "dismissed" }, { "X-Endpoint-Id": phone.id });
    expect(dismissed.status, dismissed.text).toBe(200);
    await service.push.idle({ includeScheduledRetries: true });
  }, 60_000);

  it("has one record per endpoint it was meant for, each telling what happened there", async () => {
    const res = await asSupport<{ value: DeliveryRecord[] }>(`/users/${ADELE.oid}/notifications/${nid}/deliveries`);
    expect(res.status, res.text).toBe(200);
    const r = byDevice(res.body.value);
    expect(Object.keys(r).sort()).toEqual(["Adele's Pixel", "Chrome on Windows", "Firefox on Linux", "Safari on Mac"]);

    // Sent, received and shown on the phone; then its state push (dismissed there) is not sent back to it.
    expect(r["Adele's Pixel"]!.steps.map((s) => [s.step, s.pushKind, s.how])).toEqual([
      ["sent", "created", null],
      ["received", null, null],
      ["shown", null, "system"],
    ]);
    expect(r["Adele's Pixel"]!.outcome).toBe("shown");
    expect(r["Adele's Pixel"]!.steps[0]).toMatchObject({ statusCode: 201, attempts: 1 });

    // Retried after a 503, then delivered; and it got the state push that closes it.
    const laptopSteps = r["Chrome on Windows"]!.steps;
    expect(laptopSteps.map((s) => [s.step, s.pushKind, s.statusCode])).toEqual([
      ["retrying", "created", 503],
      ["sent", "created", 201],
      ["sent", "stateChanged", 201],
    ]);
    expect(laptopSteps[0]!.nextAttemptDateTime).not.toBeNull();
    expect(laptopSteps[1]!.attempts).toBe(2);

    // 410: the subscription is removed, and the record still names the device.
    expect(r["Firefox on Linux"]).toMatchObject({
      outcome: "subscriptionRemoved",
      endpoint: { removed: true, removedReason: "gone", platform: "webPush", pushServiceHost: new URL(fake.origin).host },
    });
    expect(r["Firefox on Linux"]!.steps[0]).toMatchObject({ step: "subscriptionRemoved", statusCode: 410 });

    // No push permission: nothing could be sent there.
    expect(r["Safari on Mac"]).toMatchObject({ outcome: "skipped", steps: [{ step: "skipped", reason: "noPushSubscription" }] });
  });

  it("explains endpoints registered later and pushes the target policy kept from every endpoint", async () => {
    const quiet = await send("Windows only", { targetPolicy: { platformTypes: ["windows"] } });
    await service.push.idle();
    const tablet = await subscribe("Adele's tablet");
    const res = await asSupport<{ value: DeliveryRecord[] }>(`/users/${ADELE.oid}/notifications/${quiet}/deliveries`);
    const r = byDevice(res.body.value);
    expect(r["Adele's Pixel"]!.steps).toMatchObject([{ step: "skipped", reason: "targetPolicy" }]);
    expect(r["Adele's tablet"]!.steps).toMatchObject([{ step: "skipped", reason: "registeredLater" }]);
    await call("DELETE", `/me/notifications/subscriptions/${tablet.id}`, adele);
  });

  it("shows in the event log who did what where, and where it was delivered", async () => {
    const res = await asSupport<{ value: NotificationEventEntry[] }>(`/users/${ADELE.oid}/notifications/events?$filter=notificationId eq '${nid}'`);
    expect(res.status, res.text).toBe(200);
    const entries = [...res.body.value].reverse();
    expect(entries[0]).toMatchObject({ kind: "created", actor: { kind: "user", id: ADELE.oid }, targetHostName: "tests.contoso.test", title: "Build failed" });
    const dismissed = entries.find((e) => e.kind === "stateChanged");
    expect(dismissed).toMatchObject({
      actor: { kind: "user", id: ADELE.oid },
      endpoint: { id: phone.id, deviceName: "Adele's Pixel", platform: "webPush", removed: false },
      change: { userActionState: "dismissed" },
    });
    const delivered = entries.filter((e) => e.kind === "delivered").map((e) => [e.endpoint?.deviceName, e.pushKind]);
    expect(delivered).toEqual(
      expect.arrayContaining([
        ["Adele's Pixel", "created"],
        ["Chrome on Windows", "created"],
        ["Chrome on Windows", "stateChanged"],
      ]),
    );
    // Ids reveal nothing (no sequence numbers); the user reads the same log about themselves.
    for (const e of entries) expect(e.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const own = await call<{ value: NotificationEventEntry[] }>("GET", `/me/notifications/events?$filter=notificationId eq '${nid}'`, adele);
    expect(own.body.value).toEqual(res.body.value);
  });

  it("pages the event log without repeating or losing an entry", async () => {
    const all: string[] = [];
    let next: string | undefined = `/me/notifications/events?$top=2`;
    while (next) {
      const page: CallResult<{ value: NotificationEventEntry[]; "@odata.nextLink"?: string }> = await call("GET", next.replace(BASE, ""), adele);
      expect(page.status, page.text).toBe(200);
      all.push(...page.body.value.map((e) => e.id));
      next = page.body["@odata.nextLink"];
    }
    const whole = await call<{ value: NotificationEventEntry[] }>("GET", "/me/notifications/events?$top=200", adele);
    expect(all).toEqual(whole.body.value.map((e) => e.id));
    expect(new Set(all).size).toBe(all.length);
  });

  it("sums the user up for support: unread, active endpoints, last delivery", async () => {
    const res = await asSupport<UserSummary>(`/users/${ADELE.upn}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: ADELE.oid, userPrincipalName: ADELE.upn, displayName: ADELE.name, activeEndpoints: 3 });
    expect(res.body.unreadCount).toBeGreaterThanOrEqual(1);
    expect(res.body.lastDelivery).toMatchObject({ result: "sent" });
  });
});
