// Tenant isolation as a user sees it: Bruno (tenant B) sees exactly his own
// items, and nothing sent to Megan (tenant A). Megan's inbox is only added to
// here; access.spec.ts reads her counts fresh, so file order never matters.
import { apiAs } from "./fixtures/api";
import { expect, inbox, test, users } from "./fixtures/test";

test("a tenant B user sees only their own notifications", async ({ page, signIn, send }) => {
  // One distinctive word, so a search for it can match nothing else.
  const word = `tenanta${Date.now()}`;
  const meganId = await send({ to: users.megan.upn, title: `Quarterly numbers ${word}`, body: "Tenant A only." });

  await signIn(users.bruno);
  const ui = inbox(page);
  await expect(page.getByText(users.bruno.name).first()).toBeVisible();

  // The list is exactly what the service holds for Bruno: same ids, same order.
  const bruno = await (await apiAs(users.bruno.upn)).list();
  const megan = await (await apiAs(users.megan.upn)).list();
  expect(bruno.length).toBeGreaterThan(0);
  await expect(ui.items).toHaveCount(bruno.length);
  const shown = await ui.items.evaluateAll((els) => els.map((e) => e.getAttribute("data-item-id")));
  expect(shown).toEqual(bruno.map((n) => n.id));
  // ... and shares nothing with tenant A.
  expect(megan.map((n) => n.id)).toContain(meganId);
  expect(shown.filter((id) => megan.some((n) => n.id === id))).toEqual([]);

  await ui.search.fill(word);
  await expect(page.getByRole("heading", { name: `Nothing matches “${word}”` })).toBeVisible();
  await expect(ui.items).toHaveCount(0);
});

test("tenant A's sender cannot send to a tenant B user", async ({ send }) => {
  // The demo's sender app belongs to tenant A: the service must not resolve a
  // tenant B user for it (404 itemNotFound, as if the user did not exist).
  await expect(send({ to: users.bruno.upn, title: "Cross-tenant" })).rejects.toThrow(/404 itemNotFound/);
  const bruno = await (await apiAs(users.bruno.upn)).list();
  expect(bruno.some((n) => n.payload.visualContent?.title === "Cross-tenant")).toBe(false);
});
