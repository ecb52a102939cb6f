// One user, two browsers (a desktop one and a phone-sized one), both with push
// turned on through the settings page: a notification sent with the CLI becomes
// an OS notification on both, and "Mark as read" pressed on one (the real
// service worker's handler, with the payload's action token, no page involved)
// reaches the server and clears the notification, the list and the badge on
// the other. The push service is the loopback fake (testing/fake-push-
// service.ts); pushes reach each browser's worker through the DevTools Protocol.
//
// Sam (support staff) is the user: his inbox is not seeded, and the other specs
// that use it (live, snooze, support) run before or after this one, never during
// it (one worker), so the counts here are exact.
import type { Request } from "@playwright/test";
import { DEMO_USERS } from "../contracts/demo-users";
import { issuer, appOrigin } from "./fixtures/e2e-env";
import type { FakeDelivery } from "../testing/fake-push-service";
import {
  appServiceWorker,
  clickNotification,
  connectPushBridge,
  lastWorkerBadge,
  recordWorkerBadge,
  recordWorkerShows,
  shownNotifications,
  waitUntilShown,
  type PushBridge,
} from "./fixtures/push-browser";
import { deviceOptions, expect, inbox, itemAction, newPushDevice, signIn, test, turnOnPush, type PushDevice } from "./fixtures/test";
import { send } from "./fixtures/send";
import { userToken } from "../testing/tokens";
import type { PushPayload } from "../contracts/push-payload";
import type { DeliveryRecord } from "../contracts/support";

const sam = DEMO_USERS.find((u) => u.upn === "support@contoso.test")!;
const base = `${appOrigin}/graph/beta/me/notifications`;

test.describe.configure({ mode: "serial" });

interface Device extends PushDevice {
  name: "desktop" | "phone";
  bridge: PushBridge;
  endpoint: string;
}

let token: string;
let desktop: Device;
let phone: Device;
let id: string;
let title: string;

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path} → ${res.status} ${await res.text()}`);
  return res;
}

/** A notification's delivery record, read by Sam himself (for a failure's message). */
async function deliveryRecord(nid: string): Promise<unknown> {
  const res = await fetch(`${appOrigin}/graph/beta/users/${sam.oid}/notifications/${nid}/deliveries`, { headers: { authorization: `Bearer ${token}` } });
  return res.ok ? ((await res.json()) as { value: unknown }).value : `${res.status} ${await res.text()}`;
}

async function unreadCount(): Promise<number> {
  const filter = encodeURIComponent("readState eq 'unread' and status eq 'active'");
  return Number(await (await api(`/$count?$filter=${filter}`)).text());
}

/** The header's unread badge as a number (hidden or empty = 0). */
async function shownUnread(device: Device): Promise<number> {
  const badge = inbox(device.page).unreadCount;
  if (!(await badge.isVisible())) return 0;
  return Number(/\d+/.exec((await badge.textContent()) ?? "")?.[0] ?? 0);
}

/**
 * Every page Playwright drives counts as focused, and the worker shows an
 * in-app toast instead of an OS notification to a focused tab. A person who
 * gets a notification is usually elsewhere: put another tab in front.
 */
async function lookElsewhere(device: Device): Promise<void> {
  const cdp = await device.context.newCDPSession(device.page);
  await cdp.send("Emulation.setFocusEmulationEnabled", { enabled: false });
  await cdp.detach();
  const other = device.context.pages().find((p) => p !== device.page) ?? (await device.context.newPage());
  await other.bringToFront();
}

test.beforeAll(async ({ browser, pushService }) => {
  test.setTimeout(120_000);
  token = await userToken(issuer, sam.upn);
  // Endpoints left by an earlier run on a reused server (CI starts on a fresh data folder).
  const { value: stale } = (await (await api("/subscriptions")).json()) as { value: { id: string }[] };
  for (const e of stale) await api(`/subscriptions/${e.id}`, { method: "DELETE" });
  // Sam has an empty inbox and the service has not seen him yet: send by object id, so the inbox has an item.
  await send({ to: sam.oid, title: `Welcome, Sam ${Date.now()}`, body: "Your inbox works." });

  const open = async (name: Device["name"]): Promise<Device> => {
    const device = await newPushDevice(browser, pushService, deviceOptions[name]);
    await signIn(device.page, sam);
    await turnOnPush(device.page);
    const endpoint = device.stub.current()?.endpoint;
    if (!endpoint) throw new Error(`${name}: the app turned push on without subscribing`);
    const bridge = await connectPushBridge(device.page, pushService, device.stub);
    await device.page.goto("/");
    await expect(inbox(device.page).list).toBeVisible();
    await recordWorkerShows(await appServiceWorker(device.page));
    return { ...device, name, bridge, endpoint };
  };
  desktop = await open("desktop");
  phone = await open("phone");
  await lookElsewhere(desktop);
  await lookElsewhere(phone);
});

test.afterAll(async () => {
  // Later specs send to Sam too: leave no endpoint behind that points at this spec's (closed) fake push service.
  if (token) {
    const { value } = (await (await api("/subscriptions")).json()) as { value: { id: string; platform: string }[] };
    for (const e of value.filter((x) => x.platform === "webPush")) await api(`/subscriptions/${e.id}`, { method: "DELETE" });
  }
  for (const d of [desktop, phone]) {
    await d?.bridge.close();
    await d?.context.close();
  }
});

test("both browsers are registered as web push endpoints of the user", async ({ pushService }) => {
  const { value } = (await (await api("/subscriptions")).json()) as { value: { id: string; platform: string; pushServiceHost?: string }[] };
  const push = value.filter((e) => e.platform === "webPush");
  expect(push).toHaveLength(2);
  expect(new Set(push.map((e) => e.id)).size).toBe(2);
  if (push.every((e) => e.pushServiceHost !== undefined)) {
    expect(push.map((e) => e.pushServiceHost)).toEqual([new URL(pushService.origin).host, new URL(pushService.origin).host]);
  }
  expect(desktop.endpoint).not.toBe(phone.endpoint);
});

test("a notification sent with the CLI arrives as an OS notification in both browsers", async ({ pushService }) => {
  title = `Deploy 77 needs approval ${Date.now()}`;
  id = await send({ to: sam.upn, title, body: "Production, region west.", group: "Deploys", priority: "High" });
  const unread = await unreadCount();

  for (const device of [desktop, phone]) {
    const [delivery] = (await pushService.waitForDeliveries(1, { endpoint: device.endpoint, timeoutMs: 15_000 })).filter(
      (d) => (d.json as PushPayload | undefined)?.notification?.id === id,
    );
    expect(delivery, `${device.name}: a push for ${id}`).toBeDefined();
    const payload = delivery!.json as PushPayload;
    // The contract's payload, VAPID-signed for this push service, urgent because the priority is High.
    expect(payload).toMatchObject({
      v: 1,
      kind: "created",
      unreadCount: unread,
      notification: { id, title, body: "Production, region west.", groupName: "Deploys", priority: "High", readState: "unread", status: "active" },
    });
    expect(typeof payload.actionToken).toBe("string");
    expect(Buffer.byteLength(delivery!.plaintext!)).toBeLessThanOrEqual(3000);
    expect(delivery!.urgency).toBe("high");
    expect(delivery!.ttl).toBeGreaterThan(0);
    expect(delivery!.vapid.aud).toBe(pushService.origin);

    await waitUntilShown(await appServiceWorker(device.page), id);
    await expect
      .poll(async () => (await shownNotifications(device.page, id)).map((n) => ({ title: n.title, body: n.body, actions: n.actions.map((a) => a.title) })), {
        message: `${device.name}: OS notification tagged ${id}`,
      })
      .toEqual([{ title, body: "Production, region west.", actions: ["Mark as read", "Dismiss"] }]);
  }
  // Each browser's worker confirmed it with the push's action token: its endpoint's delivery record (read by
  // the user himself, so no support reason) has the device's own steps, received, then shown as an OS notification.
  const receipts = async () => {
    const res = await fetch(`${appOrigin}/graph/beta/users/${sam.oid}/notifications/${id}/deliveries`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`deliveries → ${res.status} ${await res.text()}`);
    const { value } = (await res.json()) as { value: DeliveryRecord[] };
    return value
      .filter((r) => !r.endpoint.removed)
      .map((r) => r.steps.filter((s) => s.step === "received" || s.step === "shown").map((s) => ({ step: s.step, how: s.how })));
  };
  const confirmed = [
    { step: "received", how: null },
    { step: "shown", how: "system" },
  ];
  await expect.poll(receipts, { message: "received and shown on both endpoints' delivery records" }).toEqual([confirmed, confirmed]);
  // (The fake is shared by the worker's spec files: only this user's two endpoints matter here.)
  expect(pushService.rejected().filter((r) => r.endpoint === desktop.endpoint || r.endpoint === phone.endpoint)).toEqual([]);
});

test("Mark as read on the desktop notification reads it on the server and clears it on the phone", async ({ pushService }) => {
  const phoneWorker = await appServiceWorker(phone.page);
  await recordWorkerBadge(phoneWorker);
  const before = await unreadCount();
  const phonePushes = pushService.deliveries(phone.endpoint).length;
  const desktopPushes = pushService.deliveries(desktop.endpoint).length;
  await expect.poll(() => shownUnread(phone)).toBe(before);

  const shown = pushService.deliveries(desktop.endpoint).map((d) => d.json as PushPayload | undefined);
  const actionToken = shown.find((p) => p?.kind === "created" && p.notification.id === id)?.actionToken;
  expect(actionToken).toBeTruthy();
  const patches: { authorization: string | undefined; fromWorker: boolean }[] = [];
  const onRequest = (r: Request) => {
    if (r.method() === "PATCH" && new URL(r.url()).pathname.endsWith(`/me/notifications/${id}`)) {
      patches.push({ authorization: r.headers().authorization, fromWorker: r.serviceWorker() !== null });
    }
  };
  desktop.context.on("request", onRequest);

  await clickNotification(await appServiceWorker(desktop.page), id, "mark-read");

  // The worker acted with the desktop's action token (it holds no user token): the server has it read.
  await expect.poll(async () => ((await (await api(`/${id}`)).json()) as { readState: string }).readState).toBe("read");
  expect(patches).toEqual([{ authorization: `Bearer ${actionToken}`, fromWorker: true }]);
  desktop.context.off("request", onRequest);
  await expect.poll(async () => (await shownNotifications(desktop.page, id)).length, { message: "desktop notification closed" }).toBe(0);

  // The phone hears of it by push, closes its notification, and its list, header and app badge follow.
  const [change] = (await pushService.waitForDeliveries(phonePushes + 1, { endpoint: phone.endpoint, timeoutMs: 15_000 })).slice(phonePushes);
  expect((change as FakeDelivery).json).toMatchObject({ kind: "stateChanged", notification: { id, readState: "read" }, unreadCount: before - 1 });
  await expect.poll(async () => (await shownNotifications(phone.page, id)).length, { message: "phone notification closed" }).toBe(0);
  await expect(inbox(phone.page).item(title).getByRole("button", { name: "Mark as unread", exact: true })).toBeVisible();
  await expect.poll(() => shownUnread(phone)).toBe(before - 1);
  await expect.poll(() => lastWorkerBadge(phoneWorker), { message: "the phone worker's app badge" }).toBe(before - 1);
  expect(await unreadCount()).toBe(before - 1);
  // The action token names the desktop's endpoint, so the change is the desktop's own: no push back to it.
  expect(pushService.deliveries(desktop.endpoint)).toHaveLength(desktopPushes);
});

test("deleting a notification in the phone's inbox closes it on the desktop and drops it from the desktop's list", async ({ pushService }) => {
  const other = `Invoice 5512 is overdue ${Date.now()}`;
  const before = { desktop: pushService.deliveries(desktop.endpoint).length, phone: pushService.deliveries(phone.endpoint).length };
  const otherId = await send({ to: sam.upn, title: other, body: "Contoso Ltd., 30 days." });
  for (const device of [desktop, phone]) {
    // First the push service must have it (a slow pipeline on a busy machine says so, with the record), then the OS.
    await pushService.waitForDeliveries(before[device.name] + 1, { endpoint: device.endpoint, timeoutMs: 20_000 }).catch(async (err: Error) => {
      throw new Error(`${device.name}: ${err.message}; delivery record: ${JSON.stringify(await deliveryRecord(otherId))}`);
    });
    await waitUntilShown(await appServiceWorker(device.page), otherId);
    await expect.poll(async () => (await shownNotifications(device.page, otherId)).length, { message: `${device.name} shows it` }).toBe(1);
  }
  await expect(inbox(desktop.page).item(other)).toBeVisible();
  const desktopPushes = pushService.deliveries(desktop.endpoint).length;

  await itemAction(phone.page, other, "Delete");
  // The delete is sent when the phone's Undo window closes.
  await expect.poll(() => pushService.deliveries(desktop.endpoint).length, { timeout: 20_000 }).toBe(desktopPushes + 1);
  expect(pushService.deliveries(desktop.endpoint).at(-1)?.json).toMatchObject({ kind: "deleted", notification: { id: otherId } });
  await expect.poll(async () => (await shownNotifications(desktop.page, otherId)).length, { message: "desktop notification closed" }).toBe(0);
  await expect(inbox(desktop.page).item(other)).toHaveCount(0);
  // The phone acted itself, so it gets no push about it; at the latest when the app opens again it
  // reconciles its notifications with the server and closes the one for the deleted item.
  await phone.page.reload();
  await expect(inbox(phone.page).list).toBeVisible();
  await lookElsewhere(phone); // a reload takes the focus back
  await expect.poll(async () => (await shownNotifications(phone.page, otherId)).length, { message: "phone notification closed" }).toBe(0);
});

test("sending again with the same app id replaces the OS notification in both browsers", async ({ pushService }) => {
  const appId = `build-${Date.now()}`;
  const first = await send({ to: sam.upn, title: "Build 9001 is running", body: "Step 1 of 3.", appId });
  for (const device of [desktop, phone]) {
    await waitUntilShown(await appServiceWorker(device.page), first, "Build 9001 is running");
    await expect.poll(async () => (await shownNotifications(device.page, first)).map((n) => n.title), { message: `${device.name} shows it` }).toEqual([
      "Build 9001 is running",
    ]);
  }

  const second = await send({ to: sam.upn, title: "Build 9001 passed", body: "All 3 steps.", appId });
  expect(second, "an upsert keeps the notification's id").toBe(first);
  for (const device of [desktop, phone]) {
    await waitUntilShown(await appServiceWorker(device.page), first, "Build 9001 passed");
    await expect
      .poll(async () => (await shownNotifications(device.page, first)).map((n) => ({ title: n.title, body: n.body })), {
        message: `${device.name} replaced it`,
      })
      .toEqual([{ title: "Build 9001 passed", body: "All 3 steps." }]);
    const kinds = pushService
      .deliveries(device.endpoint)
      .map((d) => d.json as PushPayload | undefined)
      .filter((p) => p?.notification.id === first)
      .map((p) => p!.kind);
    expect(kinds).toEqual(["created", "updated"]);
  }
});
