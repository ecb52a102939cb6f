// Paging through @odata.nextLink, as Megan (tenant A): she gets enough items to
// need a second page. Other specs read her counts fresh, so adding to her inbox
// does not disturb them, whatever the order.
import { PAGE_SIZE } from "../lib/api/query";
import { apiAs, postMany } from "./fixtures/api";
import { expect, inbox, test, users } from "./fixtures/test";

const megan = users.megan;

test("scrolling down loads the next page, with no button, until every item was shown once, newest first", async ({ page, signIn }) => {
  const api = await apiAs(megan.upn);
  const have = (await api.list()).length;
  const need = Math.max(0, PAGE_SIZE + 7 - have);
  await postMany(megan.upn, need, (i) => `Paging item ${i + 1}`);
  const stored = await api.list();
  expect(stored.length).toBeGreaterThan(PAGE_SIZE);

  await signIn(megan);
  const ui = inbox(page);
  await expect(ui.items.first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);
  // The first page does not know the total.
  await expect(ui.items.first()).toHaveAttribute("aria-setsize", "-1");

  // The list renders the rows near the viewport only: note each row seen, by its position.
  const seen = new Map<number, string>();
  const note = async () => {
    const rows = await ui.items.evaluateAll((els) => els.map((e) => [Number(e.getAttribute("aria-posinset")), e.getAttribute("data-item-id") ?? ""] as const));
    for (const [position, id] of rows) seen.set(position, id);
    return ui.items.first().getAttribute("aria-setsize");
  };
  await page.mouse.move(640, 500);
  for (let turn = 0; turn < 100; turn++) {
    const setSize = await note();
    if (seen.size === stored.length && setSize !== "-1") break;
    await page.mouse.wheel(0, 600);
    await page.waitForTimeout(50);
  }
  await expect(ui.items.first()).toHaveAttribute("aria-setsize", String(stored.length));

  const shown = [...seen.entries()].sort(([a], [b]) => a - b).map(([, id]) => id);
  expect(shown).toEqual(stored.map((n) => n.id));
});
