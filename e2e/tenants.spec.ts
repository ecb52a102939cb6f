// Tenant isolation as a user sees it: Bruno (tenant B) sees his own items and
// nothing sent to Adele (tenant A). Adele's inbox is only added to, never read
// here, so inbox.spec.ts does not depend on this file's order.
import { apiAs } from "./fixtures/api";
import { expect, inbox, test, users } from "./fixtures/test";

test("a tenant B user sees only their own notifications", async ({ page, signIn, send }) => {
  // One distinctive word per item, so a search for it can match nothing else.
  const adeleWord = `tenanta${Date.now()}`;
  const brunoWord = `tenantb${Date.now()}`;
  const forAdele = `Quarterly numbers ${adeleWord}`;
  const forBruno = `Shipment delayed ${brunoWord}`;
  await send({ to: users.adele.upn, title: forAdele, body: "Tenant A." });
  const brunoId = await send({ to: users.bruno.upn, title: forBruno, body: "Tenant B." });

  await signIn(users.bruno);
  const ui = inbox(page);
  await expect(page.getByText(users.bruno.name).first()).toBeVisible();

  // Exactly what the service holds for Bruno, his new item on top.
  const stored = await (await apiAs(users.bruno.upn)).list();
  expect(stored[0]?.id).toBe(brunoId);
  await expect(ui.items).toHaveCount(stored.length);
  await expect(ui.items.first()).toContainText(forBruno);
  await expect(ui.list).not.toContainText(forAdele);

  // Searching for Adele's item finds nothing.
  await ui.search.fill(adeleWord);
  await expect(ui.items).toHaveCount(0);
  await ui.search.fill(brunoWord);
  await expect(ui.items).toHaveCount(1);
});
