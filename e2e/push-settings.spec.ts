// The page side of push, in Settings: turning push on for this browser, the device list, Remove,
// the states that block push (denied, unsupported), the in-app toast, the inbox hint, and sign-out
// unregistering this browser. Bruno's inbox only (no other spec changes his endpoints).
import type { Browser, BrowserContext, Page, Request } from "@playwright/test";
import { apiAs } from "./fixtures/api";
import { appOrigin, issuer, pushOrigin } from "./fixtures/e2e-env";
import { appServiceWorker, lastPageBadge, shownNotifications } from "./fixtures/push-browser";
import { deviceOptions, expect, goToSettings, inbox, newPushDevice, signIn, test, turnOnPush, users, type PushDevice } from "./fixtures/test";
import { userToken } from "../testing/tokens";

const bruno = users.bruno;
const subscriptionsUrl = `${appOrigin}/graph/beta/me/notifications/subscriptions`;

interface WireEndpoint {
  id: string;
  platform: string;
  deviceName: string | null;
  pushServiceHost: string | null;
}

async function endpoints(): Promise<WireEndpoint[]> {
  const token = await userToken(issuer, bruno.upn);
  const res = await fetch(subscriptionsUrl, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { value: WireEndpoint[] }).value;
}

async function registerOtherDevice(deviceName: string): Promise<string> {
  const token = await userToken(issuer, bruno.upn);
  const res = await fetch(subscriptionsUrl, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ platform: "web", targetHostName: "localhost", appDisplayName: "Notifications inbox", deviceName }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

function settings(page: Page) {
  const devices = page.getByRole("list", { name: "Your devices" });
  return {
    devices,
    thisDevice: devices.getByRole("listitem", { name: /\(this device\)$/ }),
    turnOn: page.getByRole("button", { name: "Turn on notifications on this device" }),
    turnOff: page.getByRole("button", { name: "Turn off notifications on this device" }),
  };
}

async function plainContext(browser: Browser, initScript?: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: appOrigin, colorScheme: "light", ...deviceOptions.desktop });
  if (initScript) await context.addInitScript({ content: initScript });
  return { context, page: await context.newPage() };
}

test.describe.configure({ mode: "serial" });

let device: PushDevice;
/** Bruno's endpoints before this spec's browser signed in (other specs' browsers may have left some). */
let earlier: Set<string>;

test.beforeAll(async ({ browser, pushService }) => {
  earlier = new Set((await endpoints()).map((e) => e.id));
  device = await newPushDevice(browser, pushService, deviceOptions.desktop);
});

test.afterAll(async () => {
  await device.context.close();
});

test("turning push on in Settings registers this browser, and Settings lists it as this device", async () => {
  const { page } = device;
  await signIn(page, bruno);
  await turnOnPush(page);
  const ui = settings(page);
  await expect(ui.turnOff).toBeVisible();
  await expect(ui.thisDevice).toBeVisible();
  await expect(ui.thisDevice).toContainText("Push notifications");
  await expect(ui.thisDevice).toContainText("This device");
  await expect(ui.thisDevice).toContainText("Nothing delivered yet");

  const subscription = device.stub.current();
  expect(subscription?.endpoint.startsWith(`${pushOrigin}/`)).toBe(true);
  const id = await ui.thisDevice.getAttribute("data-endpoint-id");
  const stored = (await endpoints()).find((e) => e.id === id);
  expect(stored).toMatchObject({ platform: "webPush", pushServiceHost: new URL(pushOrigin).host });
  // A readable name from the browser's user agent (Playwright's desktop Chrome says Windows).
  expect(stored?.deviceName).toMatch(/^Chrome on (Windows|Linux)$/);
  await expect(ui.thisDevice.getByRole("heading")).toHaveText(stored!.deviceName!);
  // Only one row for this browser: the push-less one registered at sign-in was replaced.
  expect((await endpoints()).filter((e) => !earlier.has(e.id)).map((e) => e.id)).toEqual([id]);
});

test("every API request from the page names this browser's endpoint in X-Endpoint-Id", async () => {
  const { page } = device;
  const id = await settings(page).thisDevice.getAttribute("data-endpoint-id");
  // A fresh page load: even its first requests carry the id kept in IndexedDB.
  const seen: (string | undefined)[] = [];
  const record = (r: Request) => {
    if (r.url().includes("/graph/beta/me/notifications")) seen.push(r.headers()["x-endpoint-id"]);
  };
  page.on("request", record);
  await page.goto("/");
  await expect(inbox(page).list).toBeVisible();
  await expect.poll(() => seen.length).toBeGreaterThan(1);
  page.off("request", record);
  expect(seen.every((header) => header === id), `X-Endpoint-Id of each request: ${seen.join(", ")}`).toBe(true);
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("link", { name: "Inbox" }).click();
  await expect(inbox(page).list).toBeVisible();
});

test("Remove asks first, then takes another device off the list and the service", async () => {
  const { page } = device;
  const otherId = await registerOtherDevice("Firefox on Windows");
  await page.goto("/settings");
  const row = settings(page).devices.getByRole("listitem", { name: "Firefox on Windows" });
  await expect(row).toContainText("In the app only");
  await row.getByRole("button", { name: "Remove Firefox on Windows" }).click();
  await expect(row.getByText("Remove Firefox on Windows? It stops getting notifications.")).toBeVisible();
  await row.getByRole("button", { name: "Cancel" }).click();
  await expect(row.getByRole("button", { name: "Remove Firefox on Windows" })).toBeFocused();
  await row.getByRole("button", { name: "Remove Firefox on Windows" }).click();
  await row.getByRole("button", { name: "Yes, remove" }).click();
  await expect(row).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Your devices" })).toBeFocused();
  await expect(page.getByRole("status").filter({ hasText: "Removed Firefox on Windows." })).toBeAttached();
  expect((await endpoints()).some((e) => e.id === otherId)).toBe(false);
  await expect(settings(page).thisDevice).toBeVisible();
});

test("a notification arriving while the tab is in front shows as an in-app toast whose Open opens it", async () => {
  const { page } = device;
  const [item] = await (await apiAs(bruno.upn)).list("readState eq 'unread'");
  expect(item, "Bruno's seed has an unread notification").toBeDefined();
  await page.goto("/");
  // The page listens once the inbox is up (a message before that is dropped, as the browser does).
  await expect(inbox(page).list).toBeVisible();
  const worker = await appServiceWorker(page);
  // The real worker posts to its window clients, as its push handler does for a focused tab.
  await worker.evaluate(async (n) => {
    type WorkerClients = { matchAll(options: { type: "window" }): Promise<{ postMessage(message: unknown): void }[]> };
    const clients = await (self as unknown as { clients: WorkerClients }).clients.matchAll({ type: "window" });
    for (const client of clients) {
      client.postMessage({
        type: "notification-received",
        unreadCount: 3,
        notification: { id: n.id, title: n.title, body: "From the worker", priority: "High", readState: "unread", userActionState: "noInteraction", status: "active", createdDateTime: n.created, expirationDateTime: n.created },
      });
    }
  }, { id: item!.id, title: item!.payload.visualContent?.title ?? "", created: item!.createdDateTime });
  const toast = page.getByRole("group", { name: "New notification" });
  await expect(toast).toContainText(item!.payload.visualContent?.title ?? "");
  await expect(toast).toContainText("From the worker");
  await toast.getByRole("button", { name: "Open" }).click();
  await expect(page.getByRole("dialog")).toContainText(item!.payload.visualContent?.title ?? "");
  await expect(toast).toHaveCount(0);
  await page.getByRole("dialog").getByRole("button", { name: "Close" }).click();
});

test("/?open=<id> of a notification that no longer exists says so", async () => {
  const { page } = device;
  await page.goto("/?open=00000000-0000-4000-8000-000000000000");
  await expect(page.getByRole("alert").filter({ hasText: "Opening failed" })).toContainText("That notification no longer exists");
  await expect(page).toHaveURL(`${appOrigin}/`);
});

test("Turn off keeps this browser listed, without push", async () => {
  const { page } = device;
  await page.goto("/settings");
  const ui = settings(page);
  await ui.turnOff.click();
  await expect(ui.turnOn).toBeVisible();
  await expect(ui.thisDevice).toContainText("In the app only");
  expect(device.stub.current()).toBeUndefined();
  await ui.turnOn.click();
  await expect(ui.turnOff).toBeVisible();
  await expect(ui.thisDevice).toContainText("Push notifications");
});

test("on app open, OS notifications of items settled elsewhere are closed, and the app badge is the unread count", async () => {
  const { page } = device;
  const api = await apiAs(bruno.upn);
  const read = (await api.list("readState eq 'read'"))[0];
  const live = (await api.list("readState eq 'unread' and userActionState eq 'noInteraction'"))[0];
  expect(read && live, "Bruno's seed has a read and an untouched unread item").toBeTruthy();
  const gone = "00000000-0000-4000-8000-0000000000aa";
  // As if the worker had shown them earlier and another device then settled two of them.
  await page.evaluate(async (tags) => {
    const registration = await navigator.serviceWorker.ready;
    for (const tag of tags) await registration.showNotification(`shown ${tag}`, { tag });
  }, [read!.id, live!.id, gone]);
  await page.goto("/");
  await expect(inbox(page).list).toBeVisible();
  await expect
    .poll(async () => (await shownNotifications(page)).map((n) => n.tag).sort())
    .toEqual([live!.id]);
  const unread = await api.unreadCount();
  await expect.poll(() => lastPageBadge(page)).toBe(unread);
  await page.evaluate(async () => (await navigator.serviceWorker.ready).getNotifications().then((list) => list.forEach((n) => n.close())));
});

test("signing out removes this browser's endpoint and its push subscription, and closes its notifications", async () => {
  const { page } = device;
  await page.goto("/settings");
  const id = await settings(page).thisDevice.getAttribute("data-endpoint-id");
  expect((await endpoints()).some((e) => e.id === id)).toBe(true);
  // One still on screen (shown and awaited here, so reading it afterwards is safe; not an item id, so no
  // reconcile closes it): the next person at this device must not see it.
  await page.evaluate(async () => (await navigator.serviceWorker.ready).showNotification("Left on screen", { tag: "left-on-screen" }));
  expect((await shownNotifications(page)).map((n) => n.tag)).toContain("left-on-screen");
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname === "/signed-out");
  expect((await endpoints()).some((e) => e.id === id)).toBe(false);
  expect(device.stub.current()).toBeUndefined();
  await expect.poll(async () => (await shownNotifications(page)).length, { message: "closed by sign-out" }).toBe(0);
});

test("when notifications are blocked, Settings says how to allow them and offers no button", async ({ browser }) => {
  const { context, page } = await plainContext(
    browser,
    `Object.defineProperty(Notification, "permission", { get: () => "denied" });
     Notification.requestPermission = async () => "denied";`,
  );
  await signIn(page, bruno);
  await expect(page.getByRole("region", { name: "Get notifications on this device" })).toHaveCount(0);
  await page.goto("/settings");
  await expect(page.getByText("Notifications are blocked for this site")).toBeVisible();
  await expect(page.getByText(/set Notifications to Allow/)).toBeVisible();
  await expect(settings(page).turnOn).toHaveCount(0);
  // Still one of Bruno's devices (push-less), so what it does is attributed to it.
  await expect(settings(page).thisDevice).toContainText("In the app only");
  await context.close();
});

test("a browser without the Push API is told so", async ({ browser }) => {
  const { context, page } = await plainContext(browser, "delete window.PushManager;");
  await signIn(page, bruno);
  await page.goto("/settings");
  await expect(page.getByText("This browser can't get notifications")).toBeVisible();
  await expect(settings(page).turnOn).toHaveCount(0);
  await context.close();
});

test("the inbox hint turns push on through the same path, and once hidden stays hidden", async ({ browser, pushService }) => {
  const phone = await newPushDevice(browser, pushService, deviceOptions.phone);
  await signIn(phone.page, bruno);
  const hint = phone.page.getByRole("region", { name: "Get notifications on this device" });
  await expect(hint).toBeVisible();
  // 390 px: the hint wraps rather than widening the page.
  expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await hint.getByRole("button", { name: "Turn on" }).click();
  await expect(hint).toHaveCount(0);
  await expect.poll(() => phone.stub.current()?.endpoint).toBeTruthy();
  await goToSettings(phone.page);
  await expect(phone.page.getByText("Notifications are on for this device")).toBeVisible();
  // Settings at 390 px: no sideways scroll, and its buttons keep 44 px targets.
  await expect(settings(phone.page).thisDevice).toBeVisible();
  expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  for (const button of await phone.page.getByRole("main").getByRole("button").all()) {
    expect((await button.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44);
  }
  await phone.context.close();

  const { context, page } = await plainContext(browser);
  await signIn(page, bruno);
  const tip = page.getByRole("region", { name: "Get notifications on this device" });
  await tip.getByRole("button", { name: "Hide this tip" }).click();
  await expect(tip).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("list", { name: "Notifications" })).toBeVisible();
  await expect(tip).toHaveCount(0);
  await context.close();
});
