// The service worker itself, in Debian's chromium against `npm start`: how it
// is served, the offline app shell, pushes handed to it through the DevTools
// Protocol (ServiceWorker.deliverPushMessage), notification actions run through
// its real handler, and the prompt-to-update flow. The full two-context journey
// with the real delivery pipeline is push.spec.ts's (helper E's) business.
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { BrowserContext, CDPSession, Page, Worker } from "@playwright/test";
import type { PushPayload } from "@/contracts/push-payload";
import { appOrigin, distDir, repoRoot } from "./fixtures/e2e-env";
import { expect, inbox, signIn, test } from "./fixtures/test";
import { recordWorkerShows, waitUntilShown } from "./fixtures/push-browser";
import { aPushPayload, aPushView } from "../testing/builders";
import { users } from "../testing/users";

/** The little of ServiceWorkerGlobalScope these tests touch inside the worker (the root tsconfig has no WebWorker lib). */
interface WorkerScope {
  registration: ServiceWorkerRegistration;
  clients: { matchAll(options: object): Promise<{ focused: boolean; visibilityState: string }[]> };
  dispatchEvent(event: Event): boolean;
  serviceWorker?: ServiceWorker;
  e2eVersion?: string;
}
/** The worker's NotificationEvent constructor (exists only inside the worker). */
declare const NotificationEvent: new (type: string, init: { notification: Notification; action?: string }) => Event;

/**
 * The notification id (and so the tag) of this test's pushes: new for every test (the browser keeps showing
 * a notification after its context closes).
 */
let ID = randomUUID();

function payload(over: Partial<PushPayload> = {}, item: Partial<PushPayload["notification"]> = {}): PushPayload {
  const notification = aPushView(ID, {
    createdDateTime: new Date().toISOString(),
    expirationDateTime: new Date(Date.now() + 86_400_000).toISOString(),
    ...item,
  });
  return aPushPayload("created", notification, { unreadCount: 4, actionToken: "e2e-action-token", ...over });
}

/** Opens the app and waits until its service worker is activated and controls the page. */
async function openControlled(page: Page): Promise<void> {
  await page.goto("/");
  await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    const active = reg.active!;
    // Listen first, then check, so a change between the two is not missed.
    await new Promise<void>((resolve) => {
      const check = () => active.state === "activated" && resolve();
      active.addEventListener("statechange", check);
      check();
    });
    await new Promise<void>((resolve) => {
      navigator.serviceWorker.addEventListener("controllerchange", () => resolve(), { once: true });
      if (navigator.serviceWorker.controller) resolve();
    });
  });
}

/**
 * The app's worker as a Playwright Worker (to evaluate inside the ServiceWorkerGlobalScope), recording what
 * it shows: a test waits for that (waitUntilShown) before it reads the notifications (see recordWorkerShows).
 */
async function workerOf(context: BrowserContext): Promise<Worker> {
  const existing = context.serviceWorkers().find((w) => w.url() === `${appOrigin}/sw.js`);
  const worker = existing ?? (await context.waitForEvent("serviceworker", (w) => w.url() === `${appOrigin}/sw.js`));
  if (!echoed.has(worker)) {
    echoed.add(worker);
    // The worker's warnings and errors in the test's output: a failure here is otherwise silent.
    worker.on("console", (m) => m.type() !== "log" && console.log(`[sw ${m.type()}] ${m.text()}`));
  }
  await recordWorkerShows(worker);
  return worker;
}
const echoed = new WeakSet<Worker>();

/** CDP access to the registration, for deliverPushMessage and dispatchSyncEvent. */
async function devtools(page: Page): Promise<{ cdp: CDPSession; registrationId: string }> {
  const cdp = await page.context().newCDPSession(page);
  // The registration whose activated version controls THIS page: the DevTools Protocol can also report
  // registrations of the same scope from other (earlier) browser contexts, and a push handed to one of
  // those is lost — which failed this spec now and then.
  const { targetInfo } = await cdp.send("Target.getTargetInfo");
  const registrationId = new Promise<string>((resolve) => {
    cdp.on("ServiceWorker.workerVersionUpdated", ({ versions }) => {
      const mine = versions.find((v) => v.status === "activated" && (v.controlledClients ?? []).includes(targetInfo.targetId));
      if (mine) resolve(mine.registrationId);
    });
  });
  await cdp.send("ServiceWorker.enable");
  return { cdp, registrationId: await registrationId };
}

async function deliver(page: Page, p: PushPayload | string): Promise<void> {
  const { cdp, registrationId } = await devtools(page);
  const data = typeof p === "string" ? p : JSON.stringify(p);
  await cdp.send("ServiceWorker.deliverPushMessage", { origin: appOrigin, registrationId, data });
  await cdp.detach();
}

interface ShownNotification {
  tag: string;
  title: string;
  body: string;
  actions: { action: string; title: string }[];
  data: unknown;
}

/** The notifications shown, read in the page. Not while the worker may be showing one: see recordWorkerShows. */
async function shown(page: Page): Promise<ShownNotification[]> {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    const list = await reg.getNotifications();
    return list.map((n) => ({
      tag: n.tag,
      title: n.title,
      body: n.body,
      actions: [...((n as Notification & { actions?: { action: string; title: string }[] }).actions ?? [])].map((a) => ({ action: a.action, title: a.title })),
      data: n.data as unknown,
    }));
  });
}

/** Collects what the worker posts to this page. */
async function recordMessages(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { swMessages: unknown[] };
    w.swMessages = [];
    navigator.serviceWorker.addEventListener("message", (e) => w.swMessages.push(e.data));
  });
}

async function messages(page: Page): Promise<{ type: string; [k: string]: unknown }[]> {
  return page.evaluate(() => (window as unknown as { swMessages: { type: string }[] }).swMessages);
}

/** Replaces the Badging API inside the worker with a recorder (the real badge cannot be read back). */
async function recordBadges(worker: Worker): Promise<void> {
  await worker.evaluate(() => {
    const g = self as unknown as { badges: number[]; navigator: object };
    g.badges = [];
    Object.defineProperty(g.navigator, "setAppBadge", { configurable: true, value: async (n: number) => void g.badges.push(n) });
    Object.defineProperty(g.navigator, "clearAppBadge", { configurable: true, value: async () => void g.badges.push(0) });
  });
}

async function badges(worker: Worker): Promise<number[]> {
  return worker.evaluate(() => (self as unknown as { badges: number[] }).badges);
}

/**
 * Runs the worker's real `notificationclick` (or `notificationclose`) handler for the displayed notification with
 * this tag: a NotificationEvent dispatched inside the worker (browsers offer no way to click an OS notification).
 */
async function clickNotification(worker: Worker, tag: string, action: string, type = "notificationclick"): Promise<void> {
  await worker.evaluate(
    async ({ tag, action, type }) => {
      const sw = self as unknown as WorkerScope;
      const [notification] = await sw.registration.getNotifications({ tag });
      if (!notification) throw new Error(`no notification with tag ${tag}`);
      sw.dispatchEvent(new NotificationEvent(type, { notification, action }));
    },
    { tag, action, type },
  );
}

interface PostedReceipt {
  id: string;
  auth?: string;
  body: { outcome: string; how?: string; at: string };
}

/**
 * Records the receipts the worker posts (`POST …/me/notifications/{id}/receipts`), answering 204 — or failing
 * them as a lost network while `online()` says so.
 */
async function recordReceipts(context: BrowserContext, online: () => boolean = () => true): Promise<PostedReceipt[]> {
  const posted: PostedReceipt[] = [];
  await context.route(`${appOrigin}/graph/beta/me/notifications/*/receipts`, async (route) => {
    const req = route.request();
    if (req.method() !== "POST") return route.fallback();
    if (!online()) return route.abort("internetdisconnected");
    posted.push({ id: decodeURIComponent(new URL(req.url()).pathname.split("/").at(-2)!), auth: req.headers()["authorization"], body: req.postDataJSON() });
    await route.fulfill({ status: 204 });
  });
  return posted;
}

/** The receipts a display push owes, in the order the worker sends them: received, then shown with `how`. */
function receiptsFor(id: string, how: string): PostedReceipt[] {
  const at = expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown as string;
  return [
    { id, auth: "Bearer e2e-action-token", body: { outcome: "received", at } },
    { id, auth: "Bearer e2e-action-token", body: { outcome: "shown", how, at } },
  ];
}

/** Whether the worker sees a tab of the app that is visible and focused (then it toasts instead of showing). */
async function workerSeesFocusedTab(worker: Worker): Promise<boolean> {
  return worker.evaluate(async () => {
    const sw = self as unknown as WorkerScope;
    const windows = await sw.clients.matchAll({ type: "window", includeUncontrolled: true });
    return windows.some((c) => c.focused && c.visibilityState === "visible");
  });
}

/**
 * Puts the page in the background, as another tab in front does, and waits until the worker sees it so (it then
 * shows OS notifications instead of posting an in-page toast). Playwright emulates focus for every page, so that
 * is turned off too, for as long as the returned session stays attached.
 */
async function unfocus(page: Page, worker: Worker): Promise<CDPSession> {
  const other = await page.context().newPage();
  await other.bringToFront();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setFocusEmulationEnabled", { enabled: false });
  await expect.poll(() => workerSeesFocusedTab(worker)).toBe(false);
  return cdp;
}

test.describe("service worker", () => {
  test.beforeEach(async ({ context }) => {
    ID = randomUUID();
    await context.grantPermissions(["notifications"], { origin: appOrigin });
  });

  test("is served with no-cache from /sw.js and activates with scope /", async ({ page, request }) => {
    const res = await request.get("/sw.js");
    expect(res.status()).toBe(200);
    expect(res.headers()["cache-control"]).toBe("no-cache");
    expect(res.headers()["content-type"]).toMatch(/^text\/javascript/);
    expect(res.headers()["service-worker-allowed"]).toBe("/");
    const body = await res.text();
    expect(body).not.toContain("__WB_MANIFEST");
    expect(body).toContain("/_next/static/");
    // Unchanged bytes revalidate to 304 (the browser's update checks are cheap).
    const again = await request.get("/sw.js", { headers: { "If-None-Match": res.headers()["etag"]! } });
    expect(again.status()).toBe(304);

    await openControlled(page);
    const reg = await page.evaluate(async () => {
      const r = await navigator.serviceWorker.ready;
      return { scope: r.scope, state: r.active?.state, script: r.active?.scriptURL, controlled: !!navigator.serviceWorker.controller };
    });
    expect(reg).toEqual({ scope: `${appOrigin}/`, state: "activated", script: `${appOrigin}/sw.js`, controlled: true });
  });

  test("opens the app shell offline, on any path", async ({ page, context }) => {
    await openControlled(page);
    await context.setOffline(true);
    try {
      // A path the server does not know: only the worker's fallback to the precached shell answers 200 offline.
      const res = await page.goto("/offline-deep-link");
      expect(res?.status()).toBe(200);
      expect(res?.fromServiceWorker()).toBe(true);
      await expect(page).toHaveTitle(/Inbox/);
      // The shell's scripts came from the precache and started the app with the configuration this browser
      // kept when it was online (the worker never answers /runtime-config): signed out here, the landing.
      const signInButton = page.getByRole("button", { name: "Sign in", exact: true });
      await expect(signInButton).toBeVisible();
      await page.reload();
      await expect(signInButton).toBeVisible();
      await expect(page.getByText("The app could not start")).toHaveCount(0);
    } finally {
      await context.setOffline(false);
    }
  });

  test("never answers API calls or the runtime config itself", async ({ page }) => {
    await openControlled(page);
    const [config, api] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${appOrigin}/runtime-config`),
      page.waitForResponse((r) => r.url().startsWith(`${appOrigin}/graph/beta/`)),
      page.evaluate(() => Promise.all([fetch("/runtime-config"), fetch("/graph/beta/me/notifications")])),
    ]);
    expect(config.fromServiceWorker()).toBe(false);
    expect(api.fromServiceWorker()).toBe(false);
    expect(api.status()).toBe(401);
  });

  test("a push shows a notification with tag = id, title, body and two actions; a state push closes it; an unreadable one is ignored", async ({ page, context }) => {
    await openControlled(page);
    await recordMessages(page);
    const worker = await workerOf(context);
    await recordBadges(worker);
    await unfocus(page, worker);
    const receipts = await recordReceipts(context);

    await deliver(page, payload());
    await waitUntilShown(worker, ID);
    await expect.poll(() => shown(page)).toEqual([
      {
        tag: ID,
        title: "Build 1432 failed",
        body: "main: 3 tests failed",
        actions: [
          { action: "mark-read", title: "Mark as read" },
          { action: "dismiss", title: "Dismiss" },
        ],
        data: { id: ID, actionToken: "e2e-action-token" },
      },
    ]);
    await expect.poll(() => badges(worker)).toEqual([4]);
    await expect.poll(() => messages(page)).toEqual([{ type: "notifications-changed", kind: "created", notificationId: ID, unreadCount: 4 }]);

    await deliver(page, payload({ kind: "stateChanged", unreadCount: 3 }, { readState: "read" }));
    await expect.poll(() => shown(page)).toEqual([]);
    await expect.poll(() => badges(worker)).toEqual([4, 3]);
    await expect.poll(async () => (await messages(page)).length).toBe(2);
    expect((await messages(page))[1]).toEqual({ type: "notifications-changed", kind: "stateChanged", notificationId: ID, unreadCount: 3 });

    // An unreadable push (not the contract's JSON) shows and posts nothing; the next good one still works.
    await deliver(page, "Hello World!");
    const other = randomUUID();
    await deliver(page, payload({ unreadCount: 5 }, { id: other, title: "Deploy done" }));
    await waitUntilShown(worker, other);
    await expect.poll(async () => (await shown(page)).map((n) => [n.tag, n.title])).toEqual([[other, "Deploy done"]]);
    await expect.poll(async () => (await messages(page)).length).toBe(3);
    expect(await badges(worker)).toEqual([4, 3, 5]);

    // Receipts, with the push's action token: received and shown (system) for each display push; none for
    // the state push (though it carried a token) or the unreadable one, which came in between.
    await expect.poll(() => receipts).toEqual([...receiptsFor(ID, "system"), ...receiptsFor(other, "system")]);
    expect(Date.parse(receipts[0]!.body.at)).toBeLessThanOrEqual(Date.parse(receipts[1]!.body.at));
    // A display push of an item settled meanwhile is not shown: suppressed.
    await deliver(page, payload({ kind: "updated", unreadCount: 4 }, { readState: "read" }));
    await expect.poll(() => receipts.slice(4)).toEqual(receiptsFor(ID, "suppressed"));
    await expect.poll(async () => (await messages(page)).length).toBe(4);

    // The browser replaced the push subscription: the page is told to register the new one.
    await worker.evaluate(() => {
      const Ctor = (self as unknown as { PushSubscriptionChangeEvent: new (type: string) => Event }).PushSubscriptionChangeEvent;
      (self as unknown as WorkerScope).dispatchEvent(new Ctor("pushsubscriptionchange"));
    });
    await expect.poll(async () => (await messages(page)).at(-1)).toEqual({ type: "push-subscription-changed" });
  });

  test("with a signed-in inbox visible and focused, a push becomes an in-page toast, not an OS notification", async ({ page, context }) => {
    await signIn(page, users.megan);
    // Control of the page is not what this test is about (the first test is): after the sign-in redirects,
    // a load that raced the worker's activation is simply loaded again.
    await expect(async () => {
      if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) await page.reload();
      expect(await page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
    }).toPass({ timeout: 30_000 });
    await expect(inbox(page).list).toBeVisible();
    await page.bringToFront();
    const worker = await workerOf(context);
    await expect.poll(() => workerSeesFocusedTab(worker)).toBe(true);
    const receipts = await recordReceipts(context);
    await deliver(page, payload({}, { title: "Toast, not OS" }));
    const toast = page.getByRole("group", { name: "New notification" });
    await expect(toast).toContainText("Toast, not OS");
    // The page confirmed the toast, so the worker's fallback (after 1.5 s without that word) never fires.
    await page.waitForTimeout(2_000);
    expect(await shown(page)).toEqual([]);
    await expect.poll(() => receipts).toEqual(receiptsFor(ID, "inPage"));
    await toast.getByRole("button", { name: "Close new notification" }).click();
  });

  test("a focused tab that shows no toasts (signed out) does not swallow a push: the OS notification is shown", async ({ page, context }) => {
    await openControlled(page);
    await page.bringToFront();
    await recordMessages(page);
    const worker = await workerOf(context);
    await expect.poll(() => workerSeesFocusedTab(worker)).toBe(true);
    const receipts = await recordReceipts(context);
    await deliver(page, payload());
    await expect.poll(async () => (await messages(page)).map((m) => m.type).sort()).toEqual(["notification-received", "notifications-changed"]);
    await waitUntilShown(worker, ID);
    await expect.poll(async () => (await shown(page)).map((n) => n.tag)).toEqual([ID]);
    await expect.poll(() => receipts).toEqual(receiptsFor(ID, "system"));
  });

  test("pages list and close the notifications through the worker, which answers on the message's port", async ({ page, context }) => {
    await openControlled(page);
    const worker = await workerOf(context);
    await unfocus(page, worker);
    await recordReceipts(context);
    const other = randomUUID();
    await deliver(page, payload());
    await deliver(page, payload({}, { id: other, title: "Deploy done" }));
    await waitUntilShown(worker, ID);
    await waitUntilShown(worker, other);
    /** What lib/push/worker-notifications.ts's askWorker does, in the page (undefined: no answer in time). */
    const ask = (request: unknown, timeoutMs = 5_000) =>
      page.evaluate(
        async ({ req, ms }) => {
          const active = (await navigator.serviceWorker.ready).active!;
          return new Promise<unknown>((resolve) => {
            const channel = new MessageChannel();
            setTimeout(() => resolve(undefined), ms);
            channel.port1.onmessage = (e) => resolve(e.data);
            active.postMessage(req, [channel.port2]);
          });
        },
        { req: request, ms: timeoutMs },
      );
    expect(await ask({ type: "list-notifications" })).toEqual({ tags: expect.arrayContaining([ID, other]) as unknown });
    // Anything else gets no answer, and breaks nothing.
    expect(await ask({ type: "close-notifications", tags: [1, 2] }, 1_000)).toBeUndefined();
    expect(await ask({ type: "close-notifications", tags: [other, "not-shown"] })).toEqual({ tags: [other] });
    expect((await shown(page)).map((n) => n.tag)).toEqual([ID]);
    expect(await ask({ type: "close-notifications", tags: "all" })).toEqual({ tags: [ID] });
    expect(await shown(page)).toEqual([]);
    expect(await ask({ type: "list-notifications" })).toEqual({ tags: [] });
  });

  test("a page asking for the notifications again and again while pushes are shown loses none of them", async ({ page, context }) => {
    // Chromium drops a notification from its store when a read comes between the worker's write and the
    // display; pages reading for themselves lost 27 of 60 this way, asking the worker 0 of 60.
    await openControlled(page);
    const worker = await workerOf(context);
    await unfocus(page, worker);
    await recordReceipts(context);
    const { cdp, registrationId } = await devtools(page);
    await page.evaluate(() => {
      const w = window as unknown as { asking: boolean; asked: number };
      w.asking = true;
      w.asked = 0;
      void (async () => {
        const active = (await navigator.serviceWorker.ready).active!;
        while (w.asking) {
          await new Promise((resolve) => {
            const channel = new MessageChannel();
            channel.port1.onmessage = resolve;
            active.postMessage({ type: "list-notifications" }, [channel.port2]);
          });
          w.asked++;
        }
      })();
    });
    const ids = Array.from({ length: 20 }, () => randomUUID());
    for (const id of ids) {
      await cdp.send("ServiceWorker.deliverPushMessage", { origin: appOrigin, registrationId, data: JSON.stringify(payload({}, { id })) });
      await waitUntilShown(worker, id);
    }
    const asked = await page.evaluate(() => {
      const w = window as unknown as { asking: boolean; asked: number };
      w.asking = false;
      return w.asked;
    });
    expect(asked).toBeGreaterThan(ids.length);
    expect((await shown(page)).map((n) => n.tag).sort()).toEqual([...ids].sort());
    await cdp.detach();
  });

  test("Mark as read, Dismiss and close run through the worker's handlers with the action token; offline they are queued and replayed by sync", async ({ page, context }) => {
    await openControlled(page);
    await recordMessages(page);
    const worker = await workerOf(context);
    await recordBadges(worker);
    await unfocus(page, worker);

    const patches: { url: string; auth?: string; time?: string; body: unknown }[] = [];
    let online = false;
    await context.route(`${appOrigin}/graph/beta/me/notifications/*`, async (route) => {
      const req = route.request();
      if (req.method() !== "PATCH") return route.fallback();
      if (!online) return route.abort("internetdisconnected");
      patches.push({ url: req.url(), auth: req.headers()["authorization"], time: req.headers()["x-action-time"], body: req.postDataJSON() });
      await route.fulfill({ status: 200, contentType: "application/json", body: "{}" });
    });
    // The push's receipts fail as well, and wait in the same queue.
    const receipts = await recordReceipts(context, () => online);

    await deliver(page, payload());
    await waitUntilShown(worker, ID);
    await expect.poll(async () => (await shown(page)).length).toBe(1);
    const clickedBefore = Date.now();
    await clickNotification(worker, ID, "mark-read");
    // Closed at once, and the failed request waits in the queue.
    await expect.poll(() => shown(page)).toEqual([]);
    await page.waitForTimeout(300);
    expect(patches).toEqual([]);

    online = true;
    const { cdp, registrationId } = await devtools(page);
    await cdp.send("ServiceWorker.dispatchSyncEvent", { origin: appOrigin, registrationId, tag: "notification-actions", lastChance: false });
    await expect.poll(() => patches.length).toBe(1);
    expect(patches[0]).toMatchObject({ url: `${appOrigin}/graph/beta/me/notifications/${ID}`, auth: "Bearer e2e-action-token", body: { readState: "read" } });
    // The replay keeps the time the user acted, not the time it was sent.
    expect(Date.parse(patches[0]!.time!)).toBeGreaterThanOrEqual(clickedBefore - 1000);
    expect(Date.parse(patches[0]!.time!)).toBeLessThan(Date.now() - 250);
    // The receipts were replayed with it, timed when they happened.
    await expect.poll(() => receipts.slice(0, 2)).toEqual(receiptsFor(ID, "system"));
    expect(Date.parse(receipts[1]!.body.at)).toBeLessThan(Date.parse(patches[0]!.time!) + 1);

    // Online, a Dismiss is sent at once and the badge stays (dismissing does not read it). Each push from here
    // on is of another item.
    ID = randomUUID();
    await deliver(page, payload({ unreadCount: 2 }));
    await waitUntilShown(worker, ID);
    await expect.poll(async () => (await shown(page)).length).toBe(1);
    await clickNotification(worker, ID, "dismiss");
    await expect.poll(() => patches.length).toBe(2);
    expect(patches[1]).toMatchObject({ url: `${appOrigin}/graph/beta/me/notifications/${ID}`, body: { userActionState: "dismissed" } });
    await expect.poll(() => badges(worker)).toEqual([4, 2, 2]);

    // Closing the notification (not a button) dismisses it too.
    ID = randomUUID();
    await deliver(page, payload({ unreadCount: 2 }));
    await waitUntilShown(worker, ID);
    await expect.poll(async () => (await shown(page)).length).toBe(1);
    await clickNotification(worker, ID, "", "notificationclose");
    await expect.poll(() => patches.length).toBe(3);
    expect(patches[2]).toMatchObject({ url: `${appOrigin}/graph/beta/me/notifications/${ID}`, auth: "Bearer e2e-action-token", body: { userActionState: "dismissed" } });
    await cdp.detach();
  });

  test("an updated worker waits for the prompt; Reload hands over and reloads once, in every open tab", async ({ page, context }) => {
    const errors: string[] = [];
    const second = await context.newPage();
    for (const p of [page, second]) {
      p.on("pageerror", (e) => errors.push(e.message));
      p.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    }
    await openControlled(page);
    await openControlled(second);

    const file = path.resolve(repoRoot, distDir, "sw", "sw.js");
    const original = readFileSync(file);
    const marker = `e2e-${Date.now()}`;
    try {
      // New bytes: the browser's update check installs a second worker, which must wait.
      writeFileSync(file, Buffer.concat([original, Buffer.from(`\nself.e2eVersion=${JSON.stringify(marker)};\n`)]));
      await page.evaluate(async () => (await navigator.serviceWorker.ready).update());
      const prompt = page.getByRole("status").filter({ hasText: "A new version is ready" });
      await expect(prompt).toBeVisible();
      const reload = prompt.getByRole("button", { name: "Reload" });
      const box = await reload.boundingBox();
      expect(box?.height).toBeGreaterThanOrEqual(44);
      expect(await page.evaluate(async () => !!(await navigator.serviceWorker.ready).waiting)).toBe(true);

      let loads = 0;
      page.on("load", () => loads++);
      await reload.focus();
      await page.keyboard.press("Enter");
      await expect.poll(() => loads).toBe(1);
      await page.waitForTimeout(1500);
      expect(loads).toBe(1);
      await expect(prompt).toHaveCount(0);
      const state = await page.evaluate(async () => {
        const r = await navigator.serviceWorker.ready;
        return { waiting: !!r.waiting, controlled: !!navigator.serviceWorker.controller };
      });
      expect(state).toEqual({ waiting: false, controlled: true });
      // The worker in charge now is the new one.
      const versions = await Promise.all(
        context.serviceWorkers().map((w) =>
          w.evaluate(() => {
            const g = self as unknown as WorkerScope;
            return g.serviceWorker?.state === "activated" ? (g.e2eVersion ?? "old") : undefined;
          }).catch(() => undefined),
        ),
      );
      expect(versions.filter(Boolean)).toEqual([marker]);

      // The other tab, still on the old page, offers the same prompt; its Reload just loads the new version.
      const secondPrompt = second.getByRole("status").filter({ hasText: "A new version is ready" });
      await expect(secondPrompt).toBeVisible();
      let secondLoads = 0;
      second.on("load", () => secondLoads++);
      await secondPrompt.getByRole("button", { name: "Reload" }).click();
      await expect.poll(() => secondLoads).toBe(1);
      await expect(secondPrompt).toHaveCount(0);
      expect(errors).toEqual([]);
    } finally {
      writeFileSync(file, original);
    }
  });
});
