// A 10,000-item inbox (issue 9, "Large inboxes"), as Adele on an app of its own: the store is seeded by
// SQL before that app starts (testing/seeded-app.ts), as the API would take minutes. Scrolling with
// the mouse wheel loads every page, with no button, and the DOM never holds more than 60 rows; a
// mark-read and a view switch work at the end of it. Timings are measured by `npm run bench:inbox`.
import type { Page } from "@playwright/test";
import { SEED_PER_USER } from "../server/demo-seed";
import { seed } from "../testing/bulk-seed";
import { startSeededApp, type SeededApp } from "../testing/seeded-app";
import { distDir, seededAppPort, seededDataDir, seededIdpPort } from "./fixtures/e2e-env";
import { expect, inbox, signIn, test, users } from "./fixtures/test";

const adele = users.adele;
const BIG = 10_000;
const MAX_ROWS = 60;

let app: SeededApp;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  app = await startSeededApp({
    port: seededAppPort,
    idpPort: seededIdpPort,
    dataDir: seededDataDir,
    distDir,
    seed: (db) => seed(db, { tenantId: adele.tenantId, bigUser: adele, big: BIG, users: 0, perUser: 0 }),
  });
});

test.afterAll(async () => {
  await app?.close();
});

/** What the list holds in the DOM now. */
function listState(page: Page) {
  return page.evaluate(() => {
    const rows = [...document.querySelectorAll<HTMLElement>('[role="list"][aria-label="Notifications"] [role="listitem"]')];
    const last = rows[rows.length - 1];
    return {
      rows: rows.length,
      setSize: Number(last?.getAttribute("aria-setsize") ?? 0),
      lastPosition: Number(last?.getAttribute("aria-posinset") ?? 0),
      atBottom: window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2,
    };
  });
}

test("10,000 items: the wheel reaches the end with at most 60 rows in the DOM, and a mark-read and a view switch work there", async ({ browser }) => {
  // About 30 s on an idle machine: 200 pages, one after the other (each needs the last one's link).
  test.setTimeout(240_000);
  const context = await browser.newContext({ baseURL: app.origin, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await signIn(page, adele, app);
  const ui = inbox(page);
  await expect(ui.items.first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);

  // Scroll with the wheel until the last item is rendered and nothing more is loading.
  await page.mouse.move(640, 500);
  let state = await listState(page);
  let mostRows = state.rows;
  for (let turn = 0; turn < 1000 && !(state.setSize > 0 && state.lastPosition === state.setSize && state.atBottom); turn++) {
    await page.mouse.wheel(0, 8000);
    // At the bottom, the next turn waits for the next page (the wheel alone asked for it).
    await page
      .waitForFunction(
        (last) => {
          const rows = document.querySelectorAll('[role="list"][aria-label="Notifications"] [role="listitem"]');
          const end = rows[rows.length - 1];
          return Number(end?.getAttribute("aria-posinset")) > last || end?.getAttribute("aria-setsize") !== "-1";
        },
        state.lastPosition,
        { timeout: 10_000, polling: 20 },
      )
      .catch(() => undefined);
    state = await listState(page);
    mostRows = Math.max(mostRows, state.rows);
    expect(state.rows, `rows in the DOM after ${turn + 1} turns of the wheel`).toBeLessThanOrEqual(MAX_ROWS);
  }
  expect(state.setSize, "every item loaded, its count known").toBe(BIG + SEED_PER_USER);
  expect(state.lastPosition).toBe(BIG + SEED_PER_USER);
  test.info().annotations.push({ type: "most rows in the DOM", description: String(mostRows) });

  // A mark-read down there: the row changes in place.
  const row = ui.items.filter({ has: page.getByRole("button", { name: "Mark as read", exact: true }) }).last();
  const id = await row.getAttribute("data-item-id");
  const patched = page.waitForResponse((res) => res.request().method() === "PATCH" && res.ok());
  await row.getByRole("button", { name: "Mark as read", exact: true }).click();
  const marked = ui.list.locator(`[data-item-id="${id}"]`);
  await expect(marked).toHaveAttribute("data-unread", "false");
  // The same button, relabelled: focus stayed on it through the re-render.
  await expect(marked.getByRole("button", { name: "Mark as unread", exact: true })).toBeFocused();
  await patched;

  // A view switch: only unread items, from the top; then back to everything loaded, still windowed.
  await ui.filter("Unread").click();
  await expect(ui.filter("Unread")).toHaveAttribute("aria-pressed", "true");
  await expect(ui.items.first()).toBeVisible();
  await expect.poll(async () => ui.items.evaluateAll((els) => els.every((e) => e.getAttribute("data-unread") === "true"))).toBe(true);
  await expect(ui.list.locator(`[data-item-id="${id}"]`)).toHaveCount(0);
  expect((await listState(page)).rows).toBeLessThanOrEqual(MAX_ROWS);

  await ui.filter("All").click();
  await expect(ui.items.first()).toHaveAttribute("aria-posinset", "1");
  state = await listState(page);
  expect(state.rows).toBeLessThanOrEqual(MAX_ROWS);
  expect(state.setSize, "the loaded pages are kept, not fetched again").toBe(BIG + SEED_PER_USER);
  await context.close();
});
