// The states around the list, as Megan (tenant A); nothing here changes her
// inbox but one item sent to a group of its own. The failing service is simulated in the browser (the only way to make
// the real one fail on demand); everything else is real.
import { apiAs } from "./fixtures/api";
import { send } from "./fixtures/send";
import { expect, inbox, test, users } from "./fixtures/test";

const megan = users.megan;

/** Relative luminance (0 black … 1 white) of a CSS rgb()/rgba() colour. */
function luminance(css: string): number {
  const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => Number(v) / 255);
  const lin = (c = 0) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

async function pageColours(page: import("@playwright/test").Page): Promise<{ background: number; text: number }> {
  const { background, color } = await page.evaluate(() => {
    const s = getComputedStyle(document.body);
    return { background: s.backgroundColor, color: s.color };
  });
  return { background: luminance(background), text: luminance(color) };
}

test("when the service fails, the error shows its message and request id, and Retry recovers", async ({ page, signIn }) => {
  await signIn(megan);
  const ui = inbox(page);
  await expect(ui.items.first()).toBeVisible();

  let failing = true;
  await page.route(/\/graph\/beta\/me\/notifications\?/, async (route) => {
    if (!failing) return route.fallback();
    await route.fulfill({
      status: 500,
      headers: { "content-type": "application/json", "request-id": "e2e-req-500" },
      body: JSON.stringify({
        error: { code: "generalException", message: "The store is unavailable.", innerError: { "request-id": "e2e-req-500", date: new Date().toISOString() } },
      }),
    });
  });
  await page.reload();
  const alert = page.getByRole("alert").filter({ hasText: "The store is unavailable." });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText("e2e-req-500");
  await expect(ui.items).toHaveCount(0);

  failing = false;
  await alert.getByRole("button", { name: "Retry" }).click();
  await expect(ui.items.first()).toBeVisible();
  await expect(alert).toHaveCount(0);
});

test("an empty view says what is empty", async ({ page, signIn }) => {
  // A group in which Megan has dismissed and snoozed nothing: one item, sent now, in a group of its own.
  const empty = `Quiet ${Date.now().toString(36)}`;
  await send({ to: megan.upn, title: "Nothing to dismiss here", group: empty });
  const api = await apiAs(megan.upn);
  expect(await api.list(`userActionState ne 'noInteraction' and groupName eq '${empty}'`)).toEqual([]);

  await signIn(megan);
  const ui = inbox(page);
  await expect(ui.items.first()).toBeVisible();
  await page.getByRole("combobox", { name: "Group" }).selectOption({ label: empty! });
  await ui.filter("Dismissed").click();
  await expect(page.getByRole("heading", { name: "Nothing dismissed" })).toBeVisible();
  await expect(ui.items).toHaveCount(0);
  await ui.filter("Snoozed").click();
  await expect(page.getByRole("heading", { name: "Nothing snoozed" })).toBeVisible();
  await expect(page.getByText(`Notifications you snooze in ${empty!} wait here`)).toBeVisible();
  await expect(ui.items).toHaveCount(0);
});

test.describe("with a light system theme", () => {
  test.use({ colorScheme: "light" });
  test("the page is light with dark text", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
    const c = await pageColours(page);
    expect(c.background).toBeGreaterThan(0.7);
    expect(c.text).toBeLessThan(0.2);
  });
});

test.describe("with a dark system theme", () => {
  test.use({ colorScheme: "dark" });
  test("the page is dark with light text, signed out and signed in", async ({ page, signIn }) => {
    await page.goto("/");
    await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
    let c = await pageColours(page);
    expect(c.background).toBeLessThan(0.1);
    expect(c.text).toBeGreaterThan(0.6);
    await signIn(megan);
    c = await pageColours(page);
    expect(c.background).toBeLessThan(0.1);
    expect(c.text).toBeGreaterThan(0.6);
  });
});
