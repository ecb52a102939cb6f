// Offline, as someone on a train: the installed app starts with no network (the worker's shell, the
// configuration and the last-known inbox kept in IndexedDB), says it is offline and since when, takes
// ten changes, and — back online — sends them in the order they were made, each with its time, so a
// later dismissal made on another device is kept (and the page says so) instead of being overwritten.
// Then sign-out with a change still queued: it says so, waits for it, and leaves nothing behind.
//
// Sam is the user (the demo's sender reaches tenant A only); this spec posts its own items and reads
// every count fresh, as the other specs that use Sam's inbox do.
import type { Page } from "@playwright/test";
import { apiAs, postMany, type UserApi } from "./fixtures/api";
import { expect, inbox, signIn, test, users } from "./fixtures/test";
import { appOrigin, issuer } from "./fixtures/e2e-env";
import { userToken } from "../testing/tokens";
import type { NotificationEventEntry } from "../contracts/support";

const sam = users.sam;

test.describe.configure({ mode: "serial" });

/** Until the worker controls the page: only then does a reload with no network get the app shell. */
async function controlled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller) return;
    await new Promise<void>((resolve) => navigator.serviceWorker.addEventListener("controllerchange", () => resolve(), { once: true }));
  });
}

/** How many first pages of views this browser has kept (lib/offline/offline-db.ts). */
function savedPages(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open("inbox-offline");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains("pages")) return resolve(0);
          const count = db.transaction("pages").objectStore("pages").count();
          count.onsuccess = () => resolve(count.result);
          count.onerror = () => reject(count.error);
        };
      }),
  );
}

/** The user's event log, oldest first (the service lists it newest first). */
async function eventsOf(ids: readonly string[]): Promise<NotificationEventEntry[]> {
  const token = await userToken(issuer, sam.upn);
  const all: NotificationEventEntry[] = [];
  let url: string | undefined = `${appOrigin}/graph/beta/me/notifications/events?$top=200`;
  while (url) {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`events → ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { value: NotificationEventEntry[]; "@odata.nextLink"?: string };
    all.push(...page.value);
    url = page["@odata.nextLink"];
  }
  const wanted = new Set(ids);
  return all.filter((e) => wanted.has(e.notificationId) && (e.kind === "stateChanged" || e.kind === "deleted")).reverse();
}

let api: UserApi;

test.beforeAll(async () => {
  api = await apiAs(sam.upn);
});

test("offline: the inbox shows with its notice, ten changes queue, and back online they reach the service in order without overwriting a later dismissal", async ({
  page,
  context,
}) => {
  test.setTimeout(120_000);
  const run = Date.now();
  const titles = Array.from({ length: 10 }, (_, i) => `Offline ${run} #${i}`);
  const ids = await postMany(sam.oid, titles.length, (i) => titles[i]!);
  const idOf = (i: number) => ids[i]!;
  const ui = inbox(page);
  const row = (i: number) => ui.item(titles[i]!);

  await signIn(page, sam);
  await expect(row(9)).toBeVisible();
  await controlled(page);
  // The first page is kept a moment after it shows.
  await expect.poll(() => savedPages(page)).toBeGreaterThan(0);
  const unreadBefore = await api.unreadCount();

  await context.setOffline(true);
  await page.reload();
  // The shell, the configuration and the inbox, with no network.
  await expect(row(0)).toBeVisible();
  await expect(row(9)).toBeVisible();
  await expect(ui.unreadCount).toContainText(String(unreadBefore));
  const notice = page.locator(".offline-notice");
  await expect(notice).toContainText("You're offline. Showing your inbox as of");

  // Ten changes, each shown at once.
  const press = async (i: number, name: string) => row(i).getByRole("button", { name, exact: true }).click();
  await press(0, "Mark as read"); // 1
  await expect(row(0)).toHaveAttribute("data-unread", "false");
  await press(1, "Mark as read"); // 2
  await press(1, "Mark as unread"); // 3: the same field again — the later one must win
  await press(2, "Dismiss"); // 4
  await expect(row(2)).toHaveAttribute("data-dismissed", "true");
  await press(3, titles[3]!); // 5: opened (the title opens it): activated and read
  await page.getByRole("dialog").getByRole("button", { name: "Close" }).click();
  await row(4).getByRole("button", { name: "Snooze", exact: true }).click(); // 6
  await page.getByRole("menu", { name: "Snooze", exact: true }).getByRole("menuitem", { name: "For 1 hour" }).click();
  await expect(row(4)).toHaveCount(0);
  await press(5, "Delete"); // 7: made when its undo window closes
  await expect(row(5)).toHaveCount(0);
  await expect(notice).toContainText("7 changes will be sent", { timeout: 15_000 });
  await press(6, "Mark as read"); // 8
  await press(7, "Dismiss"); // 9
  await press(8, titles[8]!); // 10: opened here, dismissed later on another device
  await page.getByRole("dialog").getByRole("button", { name: "Close" }).click();
  await expect(notice).toContainText("10 changes will be sent when you're back online");

  // Nothing reached the service; then, later, another device dismisses #8.
  expect((await api.get(idOf(0))).readState).toBe("unread");
  expect((await api.get(idOf(5))).status).toBe("active");
  await new Promise((r) => setTimeout(r, 50));
  await api.update(idOf(8), { userActionState: "dismissed" });

  await context.setOffline(false);
  await expect(notice).toBeHidden({ timeout: 20_000 });

  // All ten, in the order they were made.
  const events = await eventsOf(ids);
  const made = events.filter((e) => e.actor.kind === "user").map((e) => `${ids.indexOf(e.notificationId)} ${e.kind} ${JSON.stringify(e.change)}`);
  // (The phone's dismissal of #8 came first; it has no endpoint, the replays carry this browser's.)
  const replayed = events.filter((e) => e.endpoint !== null).map((e) => `${ids.indexOf(e.notificationId)} ${e.kind}`);
  expect(replayed, made.join("\n")).toEqual([
    "0 stateChanged",
    "1 stateChanged",
    "1 stateChanged",
    "2 stateChanged",
    "3 stateChanged",
    "4 stateChanged",
    "5 deleted",
    "6 stateChanged",
    "7 stateChanged",
    "8 stateChanged",
  ]);
  const state = async (i: number) => {
    const n = await api.get(idOf(i));
    return { readState: n.readState, userActionState: n.userActionState };
  };
  expect(await state(0)).toEqual({ readState: "read", userActionState: "noInteraction" });
  expect(await state(1)).toEqual({ readState: "unread", userActionState: "noInteraction" });
  expect(await state(2)).toEqual({ readState: "unread", userActionState: "dismissed" });
  expect(await state(3)).toEqual({ readState: "read", userActionState: "activated" });
  expect(await state(4)).toMatchObject({ userActionState: "snoozed" });
  await expect(api.get(idOf(5))).rejects.toThrow(/404/);
  expect(await state(6)).toEqual({ readState: "read", userActionState: "noInteraction" });
  expect(await state(7)).toEqual({ readState: "unread", userActionState: "dismissed" });
  // #8: the read applied; the later dismissal from the other device was kept, and the page says so.
  expect(await state(8)).toEqual({ readState: "read", userActionState: "dismissed" });
  await expect(page.locator(".offline-outcome")).toContainText(`“${titles[8]}” was dismissed on another device after your offline change, so it stays that way.`);
  await expect(row(8)).toHaveAttribute("data-dismissed", "true");
});

test("signing out with a change still queued says so, waits for it, and clears what this browser kept", async ({ page, context }) => {
  test.setTimeout(90_000);
  const title = `Offline sign-out ${Date.now()}`;
  const [id] = await postMany(sam.oid, 1, () => title);
  const ui = inbox(page);
  await signIn(page, sam);
  await expect(ui.item(title)).toBeVisible();
  await controlled(page);

  await context.setOffline(true);
  await ui.item(title).getByRole("button", { name: "Mark as read", exact: true }).click();
  await expect(page.locator(".offline-notice")).toContainText("1 change will be sent");
  await ui.signOut.click();
  const dialog = page.getByRole("dialog", { name: "Sign out with unsent changes?" });
  await expect(dialog).toContainText("1 change you made offline has not reached the service yet.");
  // Focus starts on the harmless choice.
  await expect(dialog.getByRole("button", { name: "Wait, then sign out" })).toBeFocused();
  await dialog.getByRole("button", { name: "Wait, then sign out" }).click();
  await expect(dialog).toContainText("Waiting for the connection to send 1 change.");

  await context.setOffline(false);
  // Sent, then signed out, and nothing of the inbox left in this browser.
  await page.waitForURL(`${appOrigin}/signed-out`, { timeout: 30_000 });
  await expect(page.getByRole("heading", { name: "You're signed out" })).toBeVisible();
  expect((await api.get(id!)).readState).toBe("read");
  expect(await savedPages(page)).toBe(0);
});
