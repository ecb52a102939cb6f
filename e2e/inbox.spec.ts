// The journey a new user takes through the inbox, in order, on one page: each
// test is one behaviour and starts where the previous one left the page.
// Adele's inbox only: other spec files use other people, so order across files
// never matters.
import path from "node:path";
import type { Locator, Page } from "@playwright/test";
import type { Notification } from "../contracts/notification";
import { apiAs, type UserApi } from "./fixtures/api";
import { appOrigin, repoRoot } from "./fixtures/e2e-env";
import { expect, inbox, signIn, test, users } from "./fixtures/test";
import { send } from "./fixtures/send";

const adele = users.adele;

test.describe.configure({ mode: "serial" });

let page: Page;
let ui: ReturnType<typeof inbox>;
let api: UserApi;

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  ui = inbox(page);
  api = await apiAs(adele.upn);
});

test.afterAll(async () => {
  await page.close();
});

/** The badge's number; a hidden or empty badge means nothing unread. */
async function badge(): Promise<number> {
  if (!(await ui.unreadCount.isVisible())) return 0;
  const text = (await ui.unreadCount.textContent()) ?? "";
  const match = /\d+/.exec(text);
  return match ? Number(match[0]) : 0;
}

async function expectUnread(n: number): Promise<void> {
  if (n === 0) {
    await expect(async () => expect(await badge()).toBe(0)).toPass();
    await expect(page).not.toHaveTitle(/\(\d+\)/);
  } else {
    await expect(ui.unreadCount).toHaveText(new RegExp(`\\b${n}\\b`));
    await expect(page).toHaveTitle(new RegExp(`\\(${n}\\)`));
  }
}

function titleOf(item: Locator): Locator {
  return item.getByRole("heading").first();
}

/** The shown titles, read in one go: item by item could race a re-render. */
async function titles(): Promise<string[]> {
  return ui.items.evaluateAll((els) => els.map((el) => el.querySelector("h1, h2, h3, h4")?.textContent?.trim() ?? ""));
}

/** Waits until the list shows exactly these items (in any order). */
async function expectShown(items: Notification[]): Promise<void> {
  const want = items.map((n) => n.payload.visualContent?.title ?? "").sort();
  await expect.poll(async () => (await titles()).sort()).toEqual(want);
}

test("a signed-out visitor sees what this is and a Sign in button", async () => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
  await expect(ui.list).toHaveCount(0);
  await expect(ui.signOut).toHaveCount(0);
});

test("signing in through the local provider shows the user's seeded inbox, newest first", async () => {
  await signIn(page, adele);
  await expect(page.getByText(adele.name).first()).toBeVisible();

  const stored = await api.list();
  expect(stored.length, "the demo seed gives each ordinary user about 20 notifications").toBeGreaterThanOrEqual(15);
  expect(stored.length).toBeLessThanOrEqual(30);
  await expect(ui.items).toHaveCount(stored.length);

  // Newest first, as the service stores them: the same titles in the same order.
  const expected = [...stored]
    .sort((a, b) => b.createdDateTime.localeCompare(a.createdDateTime))
    .map((n) => n.payload.visualContent?.title ?? "");
  await expect.poll(titles).toEqual(expected);
  const times = await ui.list.locator("time[datetime]").evaluateAll((els) => els.map((e) => e.getAttribute("datetime") ?? ""));
  expect(times.length).toBe(stored.length);
  expect([...times].sort().reverse()).toEqual(times);

  // The README's screenshot is this view: the seeded inbox at 1280×800, light.
  // UPDATE_SCREENSHOT=1 writes it to docs/; otherwise it goes with the results.
  const shot = process.env.UPDATE_SCREENSHOT
    ? path.join(repoRoot, "docs", "screenshot-inbox.png")
    : test.info().outputPath("screenshot-inbox.png");
  await page.screenshot({ path: shot, animations: "disabled", caret: "hide" });
});

test("the unread count shows in the header and the document title", async () => {
  const unread = await api.unreadCount();
  expect(unread, "the seed mixes read and unread").toBeGreaterThan(1);
  await expectUnread(unread);
  // Every unread item offers "Mark as read"; every read one "Mark as unread".
  await expect(ui.list.getByRole("button", { name: "Mark as read", exact: true })).toHaveCount(unread);
});

test("marking one read decrements the count, and it stays read after a reload", async () => {
  const before = await api.unreadCount();
  const item = ui.items.filter({ has: page.getByRole("button", { name: "Mark as read", exact: true }) }).first();
  const title = await titleOf(item).innerText();
  await item.getByRole("button", { name: "Mark as read", exact: true }).click();
  await expectUnread(before - 1);
  await expect(ui.item(title).getByRole("button", { name: "Mark as unread", exact: true })).toBeVisible();

  await page.reload();
  await expect(ui.items.first()).toBeVisible();
  await expectUnread(before - 1);
  await expect(ui.item(title).getByRole("button", { name: "Mark as unread", exact: true })).toBeVisible();
  expect(await api.unreadCount()).toBe(before - 1);
});

test("dismissing one moves it under the Dismissed filter", async () => {
  const stored = await api.list("userActionState ne 'dismissed'");
  const target = stored[2]!;
  const title = target.payload.visualContent!.title;
  await ui.item(title).getByRole("button", { name: "Dismiss", exact: true }).click();
  await expect.poll(async () => (await api.get(target.id)).userActionState).toBe("dismissed");

  await ui.filter("Dismissed").click();
  await expect(ui.filter("Dismissed")).toHaveAttribute("aria-pressed", "true");
  await expectShown(await api.list("userActionState eq 'dismissed'"));
  await expect(ui.item(title)).toHaveCount(1);
});

test("the Unread filter shows only unread items", async () => {
  await ui.filter("Unread").click();
  const unread = await api.list("readState eq 'unread'");
  await expectShown(unread);
  await expect(ui.list.getByRole("button", { name: "Mark as read", exact: true })).toHaveCount(unread.length);
  await expect(ui.list.getByRole("button", { name: "Mark as unread", exact: true })).toHaveCount(0);
  await ui.filter("All").click();
  await expectShown(await api.list());
});

test("filtering by group shows only that group's items", async () => {
  const stored = await api.list();
  const groups = [...new Set(stored.map((n) => n.groupName).filter((g): g is string => !!g))];
  expect(groups.length, "the seed uses several groups").toBeGreaterThan(1);
  const group = groups[0]!;
  const inGroup = stored.filter((n) => n.groupName === group);

  const select = page.getByRole("combobox", { name: "Group" });
  await select.selectOption({ label: group });
  await expectShown(inGroup);
  await select.selectOption({ index: 0 });
  await expectShown(stored);
});

test("search shows the matching items", async () => {
  const stored = await api.list();
  // A distinctive word from one title: the longest.
  const word = stored[0]!.payload.visualContent!.title.split(/\W+/).sort((a, b) => b.length - a.length)[0]!;
  const matches = stored.filter((n) =>
    [n.payload.visualContent?.title, n.payload.visualContent?.body, n.groupName].some((s) => s?.toLowerCase().includes(word.toLowerCase())),
  );
  expect(matches.length).toBeLessThan(stored.length);
  await ui.search.fill(word);
  await expectShown(matches);

  await ui.search.fill("zzqx");
  await expect(page.getByRole("heading", { name: "Nothing matches “zzqx”" })).toBeVisible();
  await expect(ui.items).toHaveCount(0);
  // Escape clears the search and brings everything back.
  await ui.search.press("Escape");
  await expect(ui.search).toHaveValue("");
  await expectShown(stored);
});

test("a notification sent with the CLI appears at the top after a reload", async () => {
  const before = await api.unreadCount();
  const title = `Build 4821 finished ${Date.now()}`;
  const id = await send({ to: adele.upn, title, body: "All 312 tests passed.", group: "CI", priority: "High" });
  expect((await api.get(id)).payload.visualContent?.title).toBe(title);

  await page.reload();
  await expect(titleOf(ui.items.first())).toHaveText(title);
  await expectUnread(before + 1);
});

test("opening one shows it in full and marks it activated and read", async () => {
  const before = await api.unreadCount();
  const top = (await api.list())[0]!;
  expect(top.readState).toBe("unread");
  const title = top.payload.visualContent!.title;
  // The title opens it (its hit area is the whole row).
  await ui.item(title).getByRole("button", { name: title, exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(title);
  await expect(dialog).toContainText(top.payload.visualContent!.body!);
  await expect.poll(async () => (await api.get(top.id)).userActionState).toBe("activated");
  expect((await api.get(top.id)).readState).toBe("read");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expectUnread(before - 1);
});

test("deleting one hides it with an Undo, and Undo brings it back", async () => {
  const target = (await api.list())[3]!;
  const title = target.payload.visualContent!.title;
  await ui.item(title).getByRole("button", { name: "Delete", exact: true }).click();
  await expect(ui.item(title)).toHaveCount(0);
  await page.getByRole("button", { name: "Undo", exact: true }).click();
  await expect(ui.item(title)).toHaveCount(1);
  expect((await api.get(target.id)).status).toBe("active");
});

test("a delete left alone is sent once the Undo window closes", async () => {
  const target = (await api.list())[3]!;
  const title = target.payload.visualContent!.title;
  await ui.item(title).getByRole("button", { name: "Delete", exact: true }).click();
  await expect(ui.item(title)).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Undo", exact: true })).toBeHidden({ timeout: 10_000 });
  await expect.poll(async () => (await api.list()).some((n) => n.id === target.id)).toBe(false);
  await page.reload();
  await expect(ui.items.first()).toBeVisible();
  await expect(ui.item(title)).toHaveCount(0);
});

test("with a group selected, Mark all marks only that group's items read", async () => {
  const stored = await api.list();
  const unread = stored.filter((n) => n.readState === "unread" && n.groupName);
  const group = unread[0]!.groupName!;
  const otherUnread = stored.filter((n) => n.readState === "unread" && n.groupName !== group).length;
  expect(otherUnread, "the seed leaves unread items in other groups").toBeGreaterThan(0);

  const select = page.getByRole("combobox", { name: "Group" });
  await select.selectOption({ label: group });
  await page.getByRole("button", { name: `Mark all in ${group} read` }).click();
  await expect(ui.list.getByRole("button", { name: "Mark as read", exact: true })).toHaveCount(0);
  await expectUnread(otherUnread);
  const after = await api.list();
  expect(after.filter((n) => n.groupName === group && n.readState === "unread")).toEqual([]);
  expect(after.filter((n) => n.readState === "unread").length).toBe(otherUnread);
  await select.selectOption({ index: 0 });
  await expectShown(after);
});

test("Mark all read brings the count to zero", async () => {
  await ui.markAllRead.click();
  await expectUnread(0);
  await expect(ui.list.getByRole("button", { name: "Mark as read", exact: true })).toHaveCount(0);
  await expect.poll(() => api.unreadCount()).toBe(0);
});

/** Names of the MSAL cache entries holding tokens, in either web storage. */
async function tokenEntries(): Promise<string[]> {
  return page.evaluate(() =>
    [...Object.keys(localStorage), ...Object.keys(sessionStorage)].filter((k) => /(access|refresh|id)token/i.test(k)),
  );
}

test("signing out lands on the signed-out page, and a reload stays signed out", async () => {
  expect((await tokenEntries()).length, "MSAL holds the user's tokens while signed in").toBeGreaterThan(0);
  await ui.signOut.click();
  await page.waitForURL(`${appOrigin}/signed-out`);
  await expect(page.getByRole("heading", { name: "You're signed out" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
  await expect(ui.list).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
  await expect(ui.list).toHaveCount(0);
  await expect(ui.signOut).toHaveCount(0);
  // Sign-out cleared the session on this device: no token is left behind.
  expect(await tokenEntries()).toEqual([]);
});
