// Paging through @odata.nextLink, as Megan (tenant A): she gets enough items to
// need a second page. Other specs read her counts fresh, so adding to her inbox
// does not disturb them, whatever the order.
import { PAGE_SIZE } from "../lib/api/query";
import { apiAs, postMany } from "./fixtures/api";
import { expect, inbox, test, users } from "./fixtures/test";

const megan = users.megan;

test("Load more follows the next link until every item is shown once, newest first", async ({ page, signIn }) => {
  const api = await apiAs(megan.upn);
  const have = (await api.list()).length;
  const need = Math.max(0, PAGE_SIZE + 7 - have);
  await postMany(megan.upn, need, (i) => `Paging item ${i + 1}`);
  const stored = await api.list();
  expect(stored.length).toBeGreaterThan(PAGE_SIZE);

  await signIn(megan);
  const ui = inbox(page);
  await expect(ui.items).toHaveCount(PAGE_SIZE);
  const more = page.getByRole("button", { name: "Load more" });
  await more.click();
  await expect(ui.items).toHaveCount(stored.length);
  await expect(more).toHaveCount(0);

  const shown = await ui.items.evaluateAll((els) => els.map((e) => e.getAttribute("data-item-id")));
  expect(shown).toEqual(stored.map((n) => n.id));
});
