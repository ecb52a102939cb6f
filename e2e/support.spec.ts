// Support staff answer "why didn't I get it?" (issue 8). Megan gets a
// notification on two browsers (a desktop and a 390×844 phone, push through
// the loopback fake push service) and dismisses it on the phone; Sam Support
// finds her as he types, gives a reason, opens her inbox (read-only) and that
// notification's delivery timeline: shown on both, dismissed on the phone, in
// one verdict line; he sees her devices. Megan's Settings then list Sam's look
// with his reason. A user without the support role sees no Support link and is
// told /support is for support staff. axe finds no serious or critical
// violation on the support pages and Settings, light and dark.
//
// Megan's inbox is only added to here; the other specs read her counts fresh.
import type { Page } from "@playwright/test";
import { deviceNameFromUserAgent } from "../contracts/device-name";
import type { Endpoint } from "../contracts/endpoint";
import { expectAccessible } from "./fixtures/axe";
import { appOrigin, issuer } from "./fixtures/e2e-env";
import { appServiceWorker, connectPushBridge, recordWorkerShows, shownNotifications, waitUntilShown, type PushBridge } from "./fixtures/push-browser";
import { deviceOptions, expect, inbox, itemAction, newPushDevice, signIn, test, turnOnPush, users, type DemoUser, type PushDevice } from "./fixtures/test";
import { send } from "./fixtures/send";
import { userToken } from "../testing/tokens";

const { megan, sam } = users;
const reason = `TICKET-${Date.now() % 100000}: Megan says her laptop still showed a notification she dismissed on her phone`;

test.describe.configure({ mode: "serial" });

interface Device extends PushDevice {
  name: "desktop" | "phone";
  bridge: PushBridge;
  endpoint: string;
  /** What the app calls this browser in the device list ("Chrome on Android"). */
  deviceName: string;
  /** Its endpoint id, as its own Settings shows it. */
  endpointId: string;
}

let desktop: Device;
let phone: Device;
let id: string;
let title: string;

/** Signs in as a user whose inbox may be empty (Sam's is, on a fresh store). */
async function signInAs(page: Page, user: DemoUser): Promise<void> {
  await page.goto("/");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL((url) => url.origin === issuer);
  await page.getByRole("button", { name: `Continue as ${user.name}` }).click();
  await page.waitForURL((url) => url.origin === appOrigin && !url.pathname.startsWith("/redirect"));
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

/** A person is usually elsewhere when a notification arrives: the worker then shows an OS notification, not an in-app toast. */
async function lookElsewhere(device: Device): Promise<void> {
  const cdp = await device.context.newCDPSession(device.page);
  await cdp.send("Emulation.setFocusEmulationEnabled", { enabled: false });
  await cdp.detach();
  const other = device.context.pages().find((p) => p !== device.page) ?? (await device.context.newPage());
  await other.bringToFront();
}

test.beforeAll(async ({ browser, pushService }) => {
  test.setTimeout(150_000);
  // Endpoints on the fake push service left by an earlier run on a reused server (the demo's own devices stay).
  const token = await userToken(issuer, megan.upn);
  const subscriptions = `${appOrigin}/graph/beta/me/notifications/subscriptions`;
  const { value } = (await (await fetch(subscriptions, { headers: { authorization: `Bearer ${token}` } })).json()) as { value: Endpoint[] };
  const fakeHost = new URL(pushService.origin).host;
  for (const e of value.filter((e) => e.pushServiceHost === fakeHost)) {
    await fetch(`${subscriptions}/${e.id}`, { method: "DELETE", headers: { authorization: `Bearer ${token}` } });
  }

  const open = async (name: Device["name"]): Promise<Device> => {
    const device = await newPushDevice(browser, pushService, deviceOptions[name]);
    await signIn(device.page, megan);
    await turnOnPush(device.page);
    const endpoint = device.stub.current()?.endpoint;
    if (!endpoint) throw new Error(`${name}: the app turned push on without subscribing`);
    const bridge = await connectPushBridge(device.page, pushService, device.stub);
    const deviceName = deviceNameFromUserAgent(await device.page.evaluate(() => navigator.userAgent), await device.page.evaluate(() => navigator.maxTouchPoints));
    await device.page.goto("/settings");
    const thisDevice = device.page.locator('[data-endpoint-id][aria-label$="(this device)"]');
    await expect(thisDevice).toBeVisible();
    const endpointId = (await thisDevice.getAttribute("data-endpoint-id"))!;
    await device.page.goto("/");
    await expect(inbox(device.page).list).toBeVisible();
    await recordWorkerShows(await appServiceWorker(device.page));
    return { ...device, name, bridge, endpoint, deviceName, endpointId };
  };
  desktop = await open("desktop");
  phone = await open("phone");
  await lookElsewhere(desktop);
  await lookElsewhere(phone);
});

test.afterAll(async () => {
  for (const d of [desktop, phone]) {
    await d?.bridge.close();
    await d?.context.close();
  }
});

test("Megan gets a notification on her desktop and her phone, and dismisses it on the phone", async ({ pushService }) => {
  title = `Quarterly review moved ${Date.now()}`;
  id = await send({ to: megan.upn, title, body: "Now Thursday 14:00, room 4.12.", group: "Calendar" });
  for (const device of [desktop, phone]) {
    await pushService.waitForDeliveries(1, { endpoint: device.endpoint, timeoutMs: 15_000 });
    await waitUntilShown(await appServiceWorker(device.page), id);
    await expect.poll(async () => (await shownNotifications(device.page, id)).length, { message: `${device.name} shows it` }).toBe(1);
  }

  await itemAction(phone.page, title, "Dismiss");
  // The desktop hears of it by push and closes its notification.
  await expect.poll(async () => (await shownNotifications(desktop.page, id)).length, { message: "desktop notification closed", timeout: 15_000 }).toBe(0);
});

test("a user without the support role sees no Support link, and /support says it is for support staff", async () => {
  const page = desktop.page;
  const nav = page.getByRole("navigation", { name: "App" });
  await expect(nav.getByRole("link", { name: "Settings" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Support" })).toHaveCount(0);
  await page.goto("/support");
  await expect(page.getByRole("heading", { name: "This area is for support staff" })).toBeVisible();
  await expect(page.getByRole("searchbox", { name: "Find a user" })).toHaveCount(0);
});

test.describe("Sam Support", () => {
  let page: Page;

  test.beforeAll(async ({ browser }) => {
    // axe opens a page of its own in the context: a context, not browser.newPage().
    const context = await browser.newContext({ baseURL: appOrigin, viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  });

  test.afterAll(async () => {
    await page?.context().close();
  });

  test("finds Megan as he types, with the keyboard alone, and is asked why before anything of hers is read", async () => {
    await signInAs(page, sam);
    const supportLink = page.getByRole("navigation", { name: "App" }).getByRole("link", { name: "Support" });
    await expect(supportLink).toBeVisible();
    await supportLink.focus();
    await page.keyboard.press("Enter");

    const field = page.getByRole("searchbox", { name: "Find a user" });
    await field.focus();
    await page.keyboard.type("meg");
    const result = page.getByRole("list", { name: "People found" }).getByRole("link", { name: /Megan Bowen/ });
    await expect(result).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: /matche?s? “meg”/ })).toBeVisible();
    await expectAccessible(page, "/support with results");

    // Down arrow from the field to the first result; Enter opens it.
    await page.keyboard.press("ArrowDown");
    await expect(result).toBeFocused();
    await page.keyboard.press("Enter");

    const reasonField = page.getByRole("textbox", { name: "Reason" });
    await expect(reasonField).toBeFocused();
    await expect(page.getByRole("heading", { name: "Why are you looking at Megan Bowen's inbox?" })).toBeVisible();
    // Required: an empty reason is refused in words, and focus stays in the field.
    await page.keyboard.press("Enter");
    await expect(page.getByRole("alert").filter({ hasText: "ticket number or a sentence" })).toBeVisible();
    await expect(reasonField).toBeFocused();
    await expectAccessible(page, "the reason prompt");
    await page.keyboard.type(reason);
    await page.keyboard.press("Enter");

    await expect(page.getByRole("heading", { level: 1, name: "Megan Bowen" })).toBeVisible();
    // The reason heads the page (and the access history may list this very visit with it too).
    await expect(page.locator("q.access-reason")).toHaveText(reason);
  });

  test("reads Megan's inbox, read-only, and her devices", async () => {
    const list = page.getByRole("list", { name: "Megan Bowen's notifications" });
    const item = list.getByRole("listitem", { name: title });
    await expect(item).toBeVisible();
    await expect(item.getByText("Dismissed", { exact: true })).toBeVisible();
    // Nothing to press but the link to its timeline.
    await expect(list.getByRole("button")).toHaveCount(0);

    const devices = page.getByRole("list", { name: "Megan Bowen's devices" });
    for (const device of [desktop, phone]) await expect(devices.getByRole("listitem", { name: device.deviceName }).first()).toBeVisible();
    await expect(devices.getByRole("listitem", { name: "Megan's Pixel (Chrome on Android)" })).toBeVisible();
    await expectAccessible(page, "Megan's page");
  });

  test("opens the notification's timeline: shown on both devices, dismissed on the phone, in one verdict", async () => {
    const link = page.getByRole("list", { name: "Megan Bowen's notifications" }).getByRole("link", { name: title });
    await link.focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { name: "Delivery timeline" })).toBeFocused();

    const lanes = page.getByRole("list", { name: "Devices and the notification" });
    // Megan's demo desktop (and the in-app-only browsers other specs signed in with) share names: a lane is found by its endpoint.
    const laneOf = (device: Device) => lanes.locator(`li[data-endpoint-id="${device.endpointId}"]`);
    // The receipts (received, shown) come from each browser's service worker.
    for (const device of [phone, desktop]) {
      await expect(laneOf(device)).toHaveAttribute("data-status", "shown");
      await expect(laneOf(device)).toContainText("Shown as a notification at");
    }
    await expect(laneOf(phone)).toContainText("Dismissed on this device.");
    await expect(laneOf(desktop)).toContainText("An update about a change was sent");

    const verdict = page.getByTestId("delivery-verdict");
    await expect(verdict).toContainText(new RegExp(`Shown on ${phone.deviceName} at [^;.]+; dismissed there at`));
    await expect(verdict).toContainText(new RegExp(`Shown on ${desktop.deviceName}( \\([^)]*\\))? at`));
    await expectAccessible(page, "the delivery timeline");

    // The demo's story of a device its push service called gone.
    await page.getByRole("link", { name: "Megan Bowen's inbox" }).click();
    await page.getByRole("list", { name: "Megan Bowen's notifications" }).getByRole("link", { name: "Your password expires in 5 days" }).first().click();
    await expect(page.getByTestId("delivery-verdict")).toContainText("Not delivered to Firefox on Windows: the push service said the subscription is gone (410), so the device was removed.");
  });

  test("at phone width the timeline fits the screen", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.getByTestId("delivery-verdict")).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, "page wider than the screen").toBeLessThanOrEqual(0);
    await expectAccessible(page, "the delivery timeline at 390 px");
  });
});

test("Megan's Settings list Sam's look, with his reason", async () => {
  const page = desktop.page;
  await page.goto("/settings");
  const visits = page.getByRole("list", { name: "Support visits to your inbox" });
  const visit = visits.getByRole("listitem").filter({ hasText: reason });
  await expect(visit).toBeVisible();
  await expect(visit).toContainText("Sam Support");
  await expect(visit).toContainText(/Looked at .*the inbox/);
  await expectAccessible(page, "Settings");
});
