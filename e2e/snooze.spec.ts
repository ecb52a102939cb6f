// Snoozing, as Sam (tenant A, no seeded inbox): each test sends its own item (by
// object id: the service knows the UPN only after a first sign-in) and leaves
// nothing snoozed, so no snooze wakes up during another spec (push.spec.ts also
// signs in as Sam).
import type { Page } from "@playwright/test";
import { apiAs } from "./fixtures/api";
import { expect, inbox, test, users } from "./fixtures/test";

const sam = users.sam;

/** Presses Tab from the top of the page until focus is on the menu button of the row titled `title`. */
async function tabToSnoozeOf(page: Page, title: string): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press("Tab");
    const reached = await page.evaluate((t) => {
      const el = document.activeElement;
      return el?.getAttribute("aria-haspopup") === "menu" && el.closest("[data-item-id]")?.querySelector("h2")?.textContent === t;
    }, title);
    if (reached) return;
  }
  throw new Error(`Tab never reached the Snooze button of “${title}”`);
}

/** How the page itself (its locale and time zone) writes a time. */
function shortTime(page: Page, iso: string): Promise<string> {
  return page.evaluate((at) => new Intl.DateTimeFormat(undefined, { timeStyle: "short" }).format(new Date(at)), iso);
}

test("by keyboard alone, Snooze → For 1 hour moves the item from All to Snoozed with its return time; Unsnooze brings it back", async ({
  page,
  signIn,
  send,
}) => {
  const title = `Snooze by keyboard ${Date.now()}`;
  const next = `Stays in the inbox ${Date.now()}`;
  await send({ to: sam.oid, title: next });
  const id = await send({ to: sam.oid, title, body: "Back in an hour." });
  await signIn(sam);
  const ui = inbox(page);
  const row = ui.item(title);
  await expect(row).toBeVisible();

  // The row's menu button, reached with Tab.
  await tabToSnoozeOf(page, title);
  const button = row.getByRole("button", { name: "Snooze", exact: true });
  await expect(button).toBeFocused();
  await expect(button).toHaveAttribute("aria-expanded", "false");

  // Enter opens the menu on its first item; Escape closes it and gives focus back to the button.
  await page.keyboard.press("Enter");
  const menu = page.getByRole("menu", { name: "Snooze", exact: true });
  await expect(menu).toBeVisible();
  await expect(button).toHaveAttribute("aria-expanded", "true");
  const items = menu.getByRole("menuitem");
  await expect(items).toHaveCount(3);
  await expect(items.first()).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(menu).toHaveCount(0);
  await expect(button).toBeFocused();
  await expect(button).toHaveAttribute("aria-expanded", "false");

  // ArrowUp opens it on the last item; ArrowDown wraps round to the first.
  await page.keyboard.press("ArrowUp");
  await expect(menu.getByRole("menuitem", { name: /^Until next Monday/ })).toBeFocused();
  await page.keyboard.press("ArrowDown");
  const hour = menu.getByRole("menuitem", { name: /^For 1 hour until / });
  await expect(hour).toBeFocused();

  const asked = Date.now();
  await page.keyboard.press("Enter");
  // Gone from All at once, with an Undo; focus stays in the list.
  await expect(row).toHaveCount(0);
  await expect(page.locator(".toast").filter({ hasText: /^Snoozed until today at|^Snoozed until tomorrow at/ })).toBeVisible();
  await expect(ui.item(next).getByRole("button", { name: next, exact: true })).toBeFocused();

  const api = await apiAs(sam.upn);
  await expect.poll(async () => (await api.get(id)).userActionState).toBe("snoozed");
  const until = (await api.get(id)).snoozedUntilDateTime!;
  const hourMs = 3_600_000;
  expect(Date.parse(until)).toBeGreaterThanOrEqual(asked + hourMs - 1000);
  expect(Date.parse(until)).toBeLessThanOrEqual(Date.now() + hourMs);

  // In Snoozed, with the time it returns.
  await ui.filter("Snoozed").click();
  await expect(row).toBeVisible();
  const returns = `at ${await shortTime(page, until)}`;
  await expect(row.getByText(/^Returns (today|tomorrow) at /)).toHaveText(new RegExp(`^Returns (today|tomorrow) ${returns}$`));

  // Unsnooze: it leaves Snoozed at once and is back in All.
  await row.getByRole("button", { name: "Unsnooze", exact: true }).click();
  await expect(row).toHaveCount(0);
  await expect.poll(async () => (await api.get(id)).userActionState).toBe("noInteraction");
  await ui.filter("All").click();
  await expect(row).toBeVisible();
  await expect(row.getByRole("button", { name: "Snooze", exact: true })).toBeVisible();
});

test.describe("at phone width (390×844), by touch", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("the menu opens inside the screen with 44 px targets, and a tap snoozes", async ({ page, signIn, send }) => {
    const title = `Snooze by touch ${Date.now()}`;
    const id = await send({ to: sam.oid, title });
    await signIn(sam);
    const ui = inbox(page);
    const row = ui.item(title);

    // A phone row shows read/unread; the rest (snooze among it) is behind "More actions".
    await row.getByRole("button", { name: "More actions" }).tap();
    const menu = page.getByRole("menu", { name: "More actions" });
    await expect(menu).toBeVisible();
    const box = (await menu.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(box.y + box.height).toBeLessThanOrEqual(844);
    for (const item of await menu.getByRole("menuitem").all()) expect((await item.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);

    // A tap outside closes it; the next tap on a choice snoozes.
    await page.getByRole("heading", { name: "Inbox", exact: true }).tap();
    await expect(menu).toHaveCount(0);
    await row.getByRole("button", { name: "More actions" }).tap();
    await menu.getByRole("menuitem", { name: /^Snooze for 1 hour/ }).tap();
    await expect(row).toHaveCount(0);
    const api = await apiAs(sam.upn);
    await expect.poll(async () => (await api.get(id)).userActionState).toBe("snoozed");
    await api.update(id, { userActionState: "noInteraction" });
  });
});

test("Undo after a snooze puts the item back as it was", async ({ page, signIn, send }) => {
  const title = `Snooze then undo ${Date.now()}`;
  const id = await send({ to: sam.oid, title });
  await signIn(sam);
  const ui = inbox(page);
  const row = ui.item(title);

  await row.getByRole("button", { name: "Snooze", exact: true }).click();
  await page.getByRole("menu", { name: "Snooze", exact: true }).getByRole("menuitem", { name: /^Until tomorrow/ }).click();
  await expect(row).toHaveCount(0);
  const api = await apiAs(sam.upn);
  await expect.poll(async () => (await api.get(id)).userActionState).toBe("snoozed");

  await page.locator(".toast").getByRole("button", { name: "Undo", exact: true }).click();
  await expect(row).toBeVisible();
  await expect.poll(async () => (await api.get(id)).userActionState).toBe("noInteraction");
  expect((await api.get(id)).snoozedUntilDateTime).toBeNull();
});

test("from the opened notification, Snooze closes it and the item leaves All", async ({ page, signIn, send }) => {
  const title = `Snooze from the dialog ${Date.now()}`;
  const id = await send({ to: sam.oid, title });
  await signIn(sam);
  const ui = inbox(page);
  const row = ui.item(title);
  await row.getByRole("button", { name: title, exact: true }).click();
  const dialog = page.getByRole("dialog", { name: title });
  await expect(dialog).toBeVisible();

  // Escape in the menu closes the menu only, not the dialog.
  await dialog.getByRole("button", { name: "Snooze", exact: true }).focus();
  await page.keyboard.press("Enter");
  const menu = dialog.getByRole("menu", { name: "Snooze", exact: true });
  await expect(menu).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(menu).toHaveCount(0);
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Snooze", exact: true })).toBeFocused();

  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(row).toHaveCount(0);
  const api = await apiAs(sam.upn);
  await expect.poll(async () => (await api.get(id)).userActionState).toBe("snoozed");
  await api.update(id, { userActionState: "noInteraction" });
});

test("a snooze that ends brings the item back into All without a reload", async ({ page, signIn, send }) => {
  const title = `Snooze that ends ${Date.now()}`;
  const id = await send({ to: sam.oid, title });
  await signIn(sam);
  const ui = inbox(page);
  const row = ui.item(title);
  await expect(row).toBeVisible();

  // Snoozed elsewhere (another of Sam's devices) for a few seconds; this page learns of it on load.
  const api = await apiAs(sam.upn);
  const until = new Date(Date.now() + 8_000).toISOString();
  await api.update(id, { userActionState: "snoozed", snoozedUntilDateTime: until });
  await page.reload();
  // Loaded: other items, or none (the snoozed one is held back from All).
  await expect(ui.items.first().or(page.getByRole("heading", { name: "No notifications yet" }))).toBeVisible();
  await expect(row).toHaveCount(0);
  await page.evaluate(() => ((window as unknown as { stillThisPage: boolean }).stillThisPage = true));

  await expect(row).toBeVisible({ timeout: 20_000 });
  expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(until));
  expect(await page.evaluate(() => (window as unknown as { stillThisPage?: boolean }).stillThisPage)).toBe(true);
  expect((await api.get(id)).userActionState).toBe("noInteraction");
});
