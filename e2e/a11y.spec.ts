// axe-core on every page and state of the app, in light and in dark: the signed-out landing and
// /signed-out; Megan's seeded inbox in each view (dismissed rows included), with a notification
// opened, the Snooze menu open, the sign-out question, the error state and at phone width; her
// Settings; /support refused to her; and Sam Support's pages: his empty inbox, the user search, the
// reason prompt, Megan's page and a delivery timeline. Any serious or critical violation fails, with
// the elements and axe's summary in the message (e2e/fixtures/axe.ts).
//
// Megan's inbox is only added to (the notifications this spec opens, snoozes and reads offline);
// Sam's look is logged in her access history, as support.spec.ts's is. The endpoints its browsers
// register are removed after it.
import type { BrowserContext, Page } from "@playwright/test";
import { apiAs } from "./fixtures/api";
import { appOrigin, issuer } from "./fixtures/e2e-env";
import { expectAccessible, expectSkipLink } from "./fixtures/axe";
import { endpointSnapshot } from "./fixtures/endpoints";
import { send } from "./fixtures/send";
import { expect, inbox, signIn, test, users, type DemoUser } from "./fixtures/test";

const { megan, sam } = users;

let added: Awaited<ReturnType<typeof endpointSnapshot>>[] = [];
test.beforeAll(async () => {
  added = await Promise.all([endpointSnapshot(megan.upn), endpointSnapshot(sam.upn)]);
});
test.afterAll(async () => {
  for (const snapshot of added) await snapshot.removeAdded();
});

/** Signs in as a user whose inbox may be empty (Sam's is, on a fresh store). */
async function signInAs(page: Page, user: DemoUser): Promise<void> {
  await page.goto("/");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL((url) => url.origin === issuer);
  await page.getByRole("button", { name: `Continue as ${user.name}` }).click();
  await page.waitForURL((url) => url.origin === appOrigin && !url.pathname.startsWith("/redirect"));
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

test.describe("signed out", () => {
  test("the landing page", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
    await expectAccessible(page, "the landing page");
    await expectSkipLink(page, "the landing page");
  });

  test("/signed-out", async ({ page }) => {
    await page.goto("/signed-out");
    await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
    await expectAccessible(page, "/signed-out");
    await expectSkipLink(page, "/signed-out");
  });
});

test.describe("Megan, an ordinary user", () => {
  // axe opens a page of its own in the context: a context, not browser.newPage(). One sign-in for
  // every test here; each test starts from a URL, so any one of them can run alone.
  let context: BrowserContext;
  let page: Page;
  let ui: ReturnType<typeof inbox>;

  test.beforeAll(async ({ browser }) => {
    context = await browser.newContext({ baseURL: appOrigin, viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    ui = inbox(page);
    await signIn(page, megan);
  });

  test.afterAll(async () => {
    await context?.close();
  });

  async function openInbox(): Promise<void> {
    await page.goto("/");
    await expect(ui.items.first()).toBeVisible();
  }

  test("the inbox, with read, unread and dismissed rows", async () => {
    await openInbox();
    await expect(ui.list.locator('[data-dismissed="true"]').first(), "the demo seed dismisses some of Megan's items").toBeVisible();
    await expect(ui.list.locator('[data-unread="true"]').first()).toBeVisible();
    await expectAccessible(page, "the inbox");
    await expectSkipLink(page, "the inbox");
  });

  for (const view of ["Unread", "Dismissed", "Snoozed"] as const) {
    test(`the ${view} view`, async () => {
      await openInbox();
      await ui.filter(view).click();
      await expect(ui.filter(view)).toHaveAttribute("aria-pressed", "true");
      await expect(ui.list.or(page.locator(".state")).first()).toBeVisible();
      await expectAccessible(page, `the ${view} view`);
    });
  }

  test("an opened notification", async () => {
    const title = `Contrast check ${Date.now().toString(36)}`;
    await send({ to: megan.upn, title, body: "Opened by the accessibility spec.", group: "Accessibility", priority: "High" });
    await openInbox();
    // The title opens it (its hit area is the whole row).
    await ui.item(title).getByRole("button", { name: title, exact: true }).click();
    const dialog = page.getByRole("dialog", { name: title });
    await expect(dialog).toBeVisible();
    await expectAccessible(page, "the opened notification");
    await page.keyboard.press("Escape");
    await expect(dialog).toHaveCount(0);
  });

  test("the undo toast after a snooze", async ({ browser }) => {
    test.setTimeout(90_000);
    const title = `Snooze contrast ${Date.now().toString(36)}`;
    await send({ to: megan.upn, title, group: "Accessibility" });
    // The toast goes after 5 s, less than axe may need on a busy machine: the page's clock (installed
    // before its scripts run, flowing as usual) is all but stopped while axe looks.
    const own = await browser.newContext({ baseURL: appOrigin, viewport: { width: 1280, height: 800 } });
    const page = await own.newPage();
    await page.clock.install();
    await signIn(page, megan);
    const ui = inbox(page);
    await ui.item(title).getByRole("button", { name: "Snooze", exact: true }).click();
    await page.getByRole("menuitem", { name: /^For 1 hour/ }).click();
    const toast = page.locator(".toast").filter({ hasText: "Snoozed until" });
    await expect(toast).toBeVisible();
    // Paused a little ahead of the page's now, well before the toast's 5 s; the page's time flows
    // meanwhile, so on a slow machine "ahead" may have passed already: read it again.
    for (let attempt = 1; ; attempt++) {
      try {
        await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 300);
        break;
      } catch (error) {
        if (attempt === 3 || !String(error).includes("to the past")) throw error;
      }
    }
    // axe waits on timers of its own: the clock creeps (1 ms every 10 ms) while it looks.
    let looking = true;
    const creep = (async () => {
      while (looking) {
        // axe finishes its run in a blank page of its own, which the context's clock reaches too: a
        // tick that lands as that page closes is refused, and the next one goes on.
        await page.clock.runFor(1).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    try {
      await expectAccessible(page, "the undo toast", ".toast");
    } finally {
      looking = false;
      await creep;
    }
    await expect(toast).toBeVisible();
    await page.clock.resume();
    await toast.getByRole("button", { name: "Undo" }).click();
    await expect(ui.item(title)).toBeVisible();
    await own.close();
  });

  test("a row's Snooze menu, open", async () => {
    test.setTimeout(120_000);
    await openInbox();
    const row = ui.items.filter({ has: page.getByRole("button", { name: "Snooze", exact: true }) }).first();
    await row.getByRole("button", { name: "Snooze", exact: true }).click();
    await expect(page.getByRole("menu")).toBeVisible();
    await expectAccessible(page, "the Snooze menu");
    await page.keyboard.press("Escape");
    await expect(page.getByRole("menu")).toHaveCount(0);
  });

  test("offline, with a change queued, and the sign-out question it raises", async () => {
    test.setTimeout(120_000);
    const title = `Offline contrast ${Date.now().toString(36)}`;
    const id = await send({ to: megan.upn, title, group: "Accessibility" });
    await openInbox();
    await expect(ui.item(title)).toBeVisible();
    await context.setOffline(true);
    try {
      await ui.item(title).getByRole("button", { name: "Mark as read", exact: true }).click();
      await expect(page.locator(".offline-notice")).toContainText("1 change will be sent");
      await expectAccessible(page, "the offline notice");
      await ui.signOut.click();
      const dialog = page.getByRole("dialog", { name: "Sign out with unsent changes?" });
      await expect(dialog).toBeVisible();
      await expectAccessible(page, "the sign-out question");
      await dialog.getByRole("button", { name: "Stay signed in" }).click();
      await expect(dialog).toHaveCount(0);
    } finally {
      await context.setOffline(false);
    }
    // Back online, the queued change is sent: nothing of this test waits on the next one.
    const api = await apiAs(megan.upn);
    await expect.poll(async () => (await api.get(id)).readState, { timeout: 30_000 }).toBe("read");
  });

  test("the error state", async () => {
    await page.route(/\/graph\/beta\/me\/notifications\?/, (route) =>
      route.fulfill({
        status: 500,
        headers: { "content-type": "application/json", "request-id": "a11y-req-500" },
        body: JSON.stringify({ error: { code: "generalException", message: "The store is unavailable.", innerError: { "request-id": "a11y-req-500" } } }),
      }),
    );
    try {
      await page.goto("/");
      await expect(page.getByRole("alert").filter({ hasText: "The store is unavailable." })).toBeVisible();
      await expectAccessible(page, "the error state");
    } finally {
      await page.unrouteAll();
    }
  });

  test("the inbox at phone width", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await openInbox();
      await expectAccessible(page, "the inbox at 390 px");
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  test("Settings", async () => {
    await page.goto("/settings");
    await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Your devices" })).toBeVisible();
    await expect(page.getByRole("list", { name: "Support visits to your inbox" }).or(page.getByText("No one from support has looked at your inbox."))).toBeVisible();
    await expectAccessible(page, "Settings");
    await expectSkipLink(page, "Settings");
  });

  test("/support, which is for support staff", async () => {
    await page.goto("/support");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectAccessible(page, "/support refused");
    await expectSkipLink(page, "/support refused");
  });

  test("/signed-out while still signed in", async () => {
    await page.goto("/signed-out");
    await expect(page.getByRole("link", { name: "Go to your inbox" })).toBeVisible();
    await expectAccessible(page, "/signed-out while signed in");
    await expectSkipLink(page, "/signed-out while signed in");
  });
});

test.describe("Sam Support", () => {
  test.describe.configure({ mode: "serial" });
  let context: BrowserContext;
  let page: Page;

  test.beforeAll(async ({ browser }) => {
    context = await browser.newContext({ baseURL: appOrigin, viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    await signInAs(page, sam);
  });

  test.afterAll(async () => {
    await context?.close();
  });

  test("his own inbox", async () => {
    await page.goto("/");
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    await expect(inbox(page).list.or(page.locator(".state")).first()).toBeVisible();
    await expectAccessible(page, "Sam's inbox");
  });

  test("the user search, with results", async () => {
    await page.goto("/support");
    await page.getByRole("searchbox", { name: "Find a user" }).fill("meg");
    await expect(page.getByRole("list", { name: "People found" }).getByRole("link", { name: /Megan Bowen/ })).toBeVisible();
    await expectAccessible(page, "/support with results");
  });

  test("the reason prompt, refusing an empty reason", async () => {
    await page.getByRole("list", { name: "People found" }).getByRole("link", { name: /Megan Bowen/ }).click();
    const reason = page.getByRole("textbox", { name: "Reason" });
    await expect(reason).toBeVisible();
    await reason.press("Enter");
    await expect(page.getByRole("alert").filter({ hasText: "ticket number or a sentence" })).toBeVisible();
    await expectAccessible(page, "the reason prompt");
    await reason.fill("A11Y-1: checking the support pages' contrast");
    await reason.press("Enter");
    await expect(page.getByRole("heading", { level: 1, name: "Megan Bowen" })).toBeVisible();
  });

  test("Megan's page: her inbox, read-only, and her devices", async () => {
    await expect(page.getByRole("list", { name: "Megan Bowen's notifications" }).getByRole("listitem").first()).toBeVisible();
    await expect(page.getByRole("list", { name: "Megan Bowen's devices" }).getByRole("listitem").first()).toBeVisible();
    await expectAccessible(page, "Megan's page");
  });

  test("a delivery timeline", async () => {
    await page.getByRole("list", { name: "Megan Bowen's notifications" }).getByRole("link", { name: "Your password expires in 5 days" }).first().click();
    await expect(page.getByTestId("delivery-verdict")).toBeVisible();
    await expectAccessible(page, "the delivery timeline");
  });
});
