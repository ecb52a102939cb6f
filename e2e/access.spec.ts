// Phone width and keyboard alone, as Megan (tenant A). Each test reads her
// unread count fresh and changes one item, so tenants.spec.ts adding to her
// inbox, before or after, changes nothing here.
import { apiAs } from "./fixtures/api";
import { expect, inbox, test, users } from "./fixtures/test";

const megan = users.megan;

test.describe("at phone width (390×844)", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("the inbox has no horizontal scroll and an item's actions are reachable", async ({ page, signIn }) => {
    await signIn(megan);
    const ui = inbox(page);
    await expect(ui.items.first()).toBeVisible();

    const overflow = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(overflow.scroll, "page wider than the screen").toBeLessThanOrEqual(overflow.client);

    // Every item fits across the screen.
    for (const box of await ui.items.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect))) {
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.right).toBeLessThanOrEqual(390);
    }

    // The first unread item's "Mark as read" can be tapped, and works.
    const api = await apiAs(megan.upn);
    const before = await api.unreadCount();
    const item = ui.items.filter({ has: page.getByRole("button", { name: "Mark as read", exact: true }) }).first();
    const action = item.getByRole("button", { name: "Mark as read", exact: true });
    await action.scrollIntoViewIfNeeded();
    const box = (await action.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(box.height, "tap target at least 44 px tall").toBeGreaterThanOrEqual(44);
    await action.tap();
    await expect(ui.unreadCount).toHaveText(new RegExp(`\\b${before - 1}\\b`));
    // The count above is optimistic: the server catches up when the PATCH lands.
    await expect.poll(() => api.unreadCount()).toBe(before - 1);

    // A phone keeps Sign out in the header's account menu, and Mark all read in the toolbar's menu.
    await page.getByRole("button", { name: /^Account: / }).tap();
    await expect(page.getByRole("menuitem", { name: "Sign out" })).toBeVisible();
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: /^Filters and actions/ }).tap();
    await expect(page.getByRole("menuitem", { name: /^Mark all read/ })).toBeVisible();
  });
});

test("with the keyboard alone, Tab reaches an item's Mark as read and Enter marks it read", async ({ page, signIn }) => {
  await signIn(megan);
  const ui = inbox(page);
  await expect(ui.items.first()).toBeVisible();
  const api = await apiAs(megan.upn);
  const before = await api.unreadCount();

  // Start from the top of the document, as after a page load.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  let reached = false;
  for (let i = 0; i < 80 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => {
      const el = document.activeElement;
      return !!el && el.closest('[role="list"][aria-label="Notifications"]') !== null && (el.getAttribute("aria-label") ?? el.textContent ?? "").trim() === "Mark as read";
    });
  }
  expect(reached, "Tab never reached an item's Mark as read").toBe(true);
  const focused = page.locator(":focus");
  await expect(focused).toHaveAccessibleName("Mark as read");
  // The focus is visible (an outline or a ring), not only present.
  const ring = await focused.evaluate((el) => {
    const s = getComputedStyle(el);
    return s.outlineStyle !== "none" && s.outlineWidth !== "0px" ? "outline" : s.boxShadow !== "none" ? "box-shadow" : "";
  });
  expect(ring, "focused control shows no focus indicator").not.toBe("");

  await page.keyboard.press("Enter");
  await expect(ui.unreadCount).toHaveText(new RegExp(`\\b${before - 1}\\b`));
  await expect.poll(() => api.unreadCount()).toBe(before - 1);
});
