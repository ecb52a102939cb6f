// The inbox as an app people would pick over a mail app's: on a phone by touch (compact rows, a tap
// opens, swipes read and dismiss, with undo), and at a desk by keyboard only (Gmail/GitHub-style
// shortcuts, focus always somewhere sensible). Each test posts its own items to Sam and reads every
// state back from the service. Screenshots of both sizes, light and dark, go with the results
// (UPDATE_SCREENSHOT=1 also rewrites the README's phone screenshot).
import path from "node:path";
import type { Locator, Page } from "@playwright/test";
import { apiAs, postMany, type UserApi } from "./fixtures/api";
import { repoRoot } from "./fixtures/e2e-env";
import { expect, inbox, signIn, test, users } from "./fixtures/test";
import { send } from "./fixtures/send";

const { sam, megan } = users;
let api: UserApi;

test.beforeAll(async () => {
  api = await apiAs(sam.upn);
});

/** Posts `n` items to Sam, newest last; returns their titles and ids. */
async function post(label: string, n: number): Promise<{ titles: string[]; ids: string[] }> {
  const run = Date.now();
  const titles = Array.from({ length: n }, (_, i) => `${label} ${run} #${i}`);
  const ids: string[] = [];
  // One at a time: each a little newer than the last, so the list order is known.
  for (const title of titles) ids.push(...(await postMany(sam.oid, 1, () => title)));
  return { titles, ids };
}

/**
 * A one-finger horizontal swipe across `row`'s middle, through the DevTools Protocol (real touch
 * events). The row's place is read when the finger goes down, and only once the row is what is under
 * that point (a list still settling after the last change must not take the swipe on another row).
 */
async function swipe(page: Page, row: Locator, dx: number): Promise<void> {
  await row.scrollIntoViewIfNeeded();
  let box = (await row.boundingBox())!;
  await expect
    .poll(async () => {
      box = (await row.boundingBox())!;
      const id = await row.getAttribute("data-item-id");
      const under = await page.evaluate(
        ([x, y]) => document.elementFromPoint(x!, y!)?.closest("li")?.getAttribute("data-item-id"),
        [box.x + box.width / 2, box.y + box.height / 2],
      );
      return under === id;
    }, { message: "the row is under the finger" })
    .toBe(true);
  const cdp = await page.context().newCDPSession(page);
  const y = box.y + box.height / 2;
  const x0 = box.x + box.width / 2;
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x: x0, y }] });
  for (let step = 1; step <= 8; step++) {
    await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x: x0 + (dx * step) / 8, y }] });
  }
  // The finger rests before it lifts: lifted at speed, Chromium starts a fling, and the next tap only
  // stops that fling (it sends no click), as on a phone.
  await new Promise((resolve) => setTimeout(resolve, 150));
  await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x: x0 + dx, y }] });
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await cdp.detach();
}

function noHorizontalOverflow(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
}

test.describe("on a phone (390×844), by touch", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("compact rows; read, swipe to dismiss, undo, tap to open, snooze — and nothing overflows at 320 px", async ({ page }) => {
    // c, the oldest, is sent with the CLI with no priority ("None": the opened view does not print it).
    const c = `Phone ${Date.now()} #0`;
    const idC = await send({ to: sam.oid, title: c, body: "Sent by the CLI, with no priority.", priority: "None" });
    const { titles, ids } = await post("Phone", 2);
    const [b, a] = titles; // newest first on screen: a, b, c
    const [idB, idA] = ids;
    await signIn(page, sam);
    const ui = inbox(page);
    const row = (t: string) => ui.item(t!);
    await expect(row(a!)).toBeVisible();

    // The header is one row, and rows are compact: the first starts high on the screen, each at most ~88 px.
    const firstTop = (await ui.items.first().boundingBox())!.y;
    expect(firstTop, "the first notification starts near the top").toBeLessThan(230);
    for (const t of [a, b, c]) expect((await row(t!).boundingBox())!.height, `${t}: row height`).toBeLessThanOrEqual(90);
    expect(await noHorizontalOverflow(page)).toBe(true);

    // The primary action on the row itself.
    await row(a!).getByRole("button", { name: "Mark as read", exact: true }).tap();
    await expect.poll(async () => (await api.get(idA!)).readState).toBe("read");

    // Swipe left: dismissed, with an Undo that puts it back.
    await swipe(page, row(b!), -220);
    await expect(row(b!)).toHaveAttribute("data-dismissed", "true");
    // Undo at once, as a user does (its window is 5 s): the dismissal and its undo reach the service in
    // the order they were made, whichever answer comes first.
    await page.locator(".toast").getByRole("button", { name: "Undo", exact: true }).tap();
    await expect(row(b!)).toHaveAttribute("data-dismissed", "false");
    await expect.poll(async () => (await api.get(idB!)).userActionState).toBe("noInteraction");
    await expect(row(b!)).toHaveAttribute("data-dismissed", "false");
    // Swipe right: read/unread.
    await swipe(page, row(b!), 220);
    await expect.poll(async () => (await api.get(idB!)).readState).toBe("read");

    // A tap on the row's text opens it: activated and read; its own actions, focus on the harmless one.
    // (At the text's place on the screen: what is hit there is the row's own open button, which covers it.)
    const text = (await row(c!).locator(".item-body").boundingBox())!;
    await page.touchscreen.tap(text.x + text.width / 2, text.y + text.height / 2);
    const dialog = page.getByRole("dialog", { name: c });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole("button", { name: "Mark as unread", exact: true })).toBeFocused();
    await expect(dialog.getByText("Priority", { exact: true })).toHaveCount(0);
    await expect.poll(async () => (await api.get(idC!)).userActionState).toBe("activated");
    await dialog.getByRole("button", { name: "Snooze", exact: true }).tap();
    await page.getByRole("menu", { name: "Snooze", exact: true }).getByRole("menuitem", { name: /^For 1 hour/ }).tap();
    await expect(dialog).toBeHidden();
    await expect(row(c!)).toHaveCount(0);
    await expect.poll(async () => (await api.get(idC!)).userActionState).toBe("snoozed");
    await api.update(idC!, { userActionState: "noInteraction" });

    // The account, Settings and Sign out live in the header's account menu.
    await page.getByRole("button", { name: `Account: ${sam.name}` }).tap();
    const account = page.getByRole("menu", { name: `Account: ${sam.name}` });
    await expect(account.getByRole("menuitem", { name: "Sign out" })).toBeVisible();
    await expect(account).toContainText(sam.upn);
    await account.getByRole("menuitem", { name: "Settings" }).tap();
    await page.waitForURL("**/settings");
    expect(await noHorizontalOverflow(page)).toBe(true);

    await page.setViewportSize({ width: 320, height: 700 });
    await page.goto("/settings");
    await expect(page.getByRole("heading", { name: "Your devices" })).toBeVisible();
    expect(await noHorizontalOverflow(page), "/settings at 320 px").toBe(true);
    await page.goto("/");
    await expect(row(a!)).toBeVisible();
    expect(await noHorizontalOverflow(page), "the inbox at 320 px").toBe(true);
  });
});

test("by keyboard only: j/k, Shift+I/U, e and z, #, o, s, /, ?, g s and g i", async ({ page }) => {
  const { titles, ids } = await post("Keys", 3);
  const [t0, t1, t2] = titles;
  const [id0, id1, id2] = ids;
  await signIn(page, sam);
  const ui = inbox(page);
  const title = (t: string) => ui.item(t).getByRole("button", { name: t, exact: true });
  await expect(title(t2!)).toBeVisible();

  // Every page starts with a skip link.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to notifications" })).toBeFocused();
  await page.evaluate(() => (document.activeElement as HTMLElement).blur());

  // j from nowhere: the first row; j, k move.
  await page.keyboard.press("j");
  await expect(title(t2!)).toBeFocused();
  await page.keyboard.press("j");
  await expect(title(t1!)).toBeFocused();
  await page.keyboard.press("k");
  await expect(title(t2!)).toBeFocused();

  // Shift+I reads, Shift+U makes it unread again.
  await page.keyboard.press("Shift+I");
  await expect.poll(async () => (await api.get(id2!)).readState).toBe("read");
  await page.keyboard.press("Shift+U");
  await expect.poll(async () => (await api.get(id2!)).readState).toBe("unread");

  // e dismisses and moves on to the next row; z (the toast's Undo) puts it back, focus on it.
  await page.keyboard.press("e");
  await expect.poll(async () => (await api.get(id2!)).userActionState).toBe("dismissed");
  await expect(title(t1!)).toBeFocused();
  await page.keyboard.press("z");
  await expect.poll(async () => (await api.get(id2!)).userActionState).toBe("noInteraction");
  await expect(title(t2!)).toBeFocused();

  // # deletes (the row leaves, focus goes to the next); z within the undo window keeps it.
  await page.keyboard.press("j");
  await expect(title(t1!)).toBeFocused();
  await page.keyboard.press("Shift+#");
  await expect(ui.item(t1!)).toHaveCount(0);
  await expect(title(t0!)).toBeFocused();
  await page.keyboard.press("z");
  await expect(ui.item(t1!)).toBeVisible();
  expect((await api.get(id1!)).status).toBe("active");

  // o opens: focus on the harmless first action (never Delete); Escape closes, focus back on the row.
  await title(t0!).focus();
  await page.keyboard.press("o");
  const dialog = page.getByRole("dialog", { name: t0 });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Mark as unread", exact: true })).toBeFocused();
  await expect.poll(async () => (await api.get(id0!)).userActionState).toBe("activated");
  // Keys belong to the dialog while it is open: j does nothing.
  await page.keyboard.press("j");
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(title(t0!)).toBeFocused();

  // s opens the row's Snooze menu on its first choice; Enter snoozes; the item leaves All.
  await page.keyboard.press("s");
  await expect(page.getByRole("menuitem", { name: /^For 1 hour/ })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(ui.item(t0!)).toHaveCount(0);
  await expect.poll(async () => (await api.get(id0!)).userActionState).toBe("snoozed");
  await api.update(id0!, { userActionState: "noInteraction" });

  // / goes to search, where letters are typed, not taken as shortcuts.
  await page.keyboard.press("/");
  await expect(ui.search).toBeFocused();
  await page.keyboard.type("jk");
  await expect(ui.search).toHaveValue("jk");
  await ui.search.fill("");
  await page.keyboard.press("Escape");
  await page.evaluate(() => (document.activeElement as HTMLElement).blur());

  // ? lists every shortcut.
  await page.keyboard.press("Shift+?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toBeVisible();
  for (const label of ["Next notification", "Dismiss", "Delete", "Mark as read", "Snooze…", "Go to Settings"]) await expect(help).toContainText(label);
  await page.keyboard.press("Escape");
  await expect(help).toBeHidden();

  // g s, g i.
  await page.keyboard.press("g");
  await page.keyboard.press("s");
  await page.waitForURL("**/settings");
  // Settings starts with its skip link too (from a fresh load: the first Tab of the page).
  await page.reload();
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to settings" })).toBeFocused();
  await page.evaluate(() => (document.activeElement as HTMLElement).blur());
  await page.keyboard.press("g");
  await page.keyboard.press("i");
  await page.waitForURL((url) => url.pathname === "/");
  await expect(ui.list).toBeVisible();
});

test("mark all read keeps keyboard focus on its button", async ({ page }) => {
  await post("Mark all", 1);
  await signIn(page, sam);
  const ui = inbox(page);
  await ui.markAllRead.focus();
  await page.keyboard.press("Enter");
  await expect.poll(() => api.unreadCount()).toBe(0);
  await expect(ui.markAllRead).toBeFocused();
  await expect(ui.markAllRead).toHaveAttribute("aria-disabled", "true");
});

test("screenshots: Megan's inbox on a phone and a desktop, light and dark", async ({ page }) => {
  // One sign-in; the size and the colour scheme change in place.
  await signIn(page, megan);
  await expect(inbox(page).items.first()).toBeVisible();
  for (const size of [
    { name: "phone", width: 390, height: 844 },
    { name: "desktop", width: 1280, height: 800 },
  ]) {
    await page.setViewportSize({ width: size.width, height: size.height });
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expect(inbox(page).items.first()).toBeVisible();
      expect(await noHorizontalOverflow(page), `${size.name}, ${scheme}`).toBe(true);
      const shot =
        process.env.UPDATE_SCREENSHOT && size.name === "phone" && scheme === "light"
          ? path.join(repoRoot, "docs", "screenshot-phone.png")
          : test.info().outputPath(`screenshot-${size.name}-${scheme}.png`);
      await page.screenshot({ path: shot, animations: "disabled", caret: "hide" });
    }
  }
});
