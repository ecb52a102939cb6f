// The live stream between two browsers of one user, without push: a change made in one shows in
// the other without a reload (stream → relay → SWR cache in place), and a stream that breaks and
// cannot reconnect for a while misses nothing once it is back (Last-Event-ID, then delta).
// Timings are logged, not asserted tightly: the machine is shared.
//
// Sam's inbox (not seeded; push.spec.ts reads every count fresh) gets this spec's own items, in
// their own group.
import type { BrowserContext, Locator, Page } from "@playwright/test";
import { appOrigin, issuer } from "./fixtures/e2e-env";
import { postMany } from "./fixtures/api";
import { expect, inbox, signIn, test, users } from "./fixtures/test";
import { openStream } from "../testing/sse";
import { userToken } from "../testing/tokens";

const sam = users.sam;
const base = `${appOrigin}/graph/beta/me/notifications`;

test.describe.configure({ mode: "serial" });

interface Browser {
  name: string;
  context: BrowserContext;
  page: Page;
  log: string[];
}

let token: string;
let one: Browser;
let other: Browser;
let titles: string[];
const timings: Record<string, number> = {};

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...init.headers } });
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path} → ${res.status} ${await res.text()}`);
  return res;
}

async function idOf(title: string): Promise<string> {
  const { value } = (await (await api(`?$top=200`)).json()) as { value: { id: string; payload: { visualContent?: { title: string } } }[] };
  const found = value.find((n) => n.payload.visualContent?.title === title);
  if (!found) throw new Error(`no item titled ${title}`);
  return found.id;
}

function item(b: Browser, title: string): Locator {
  return inbox(b.page).item(title);
}

/** What the other browser must show: an item's attribute, an item gone, or the badge's number. */
type Shown = { title: string; attribute: string; value: string } | { title: string; gone: true } | { badge: string };

/**
 * Resolves with the page's clock (the machine's: Node and the browser share it) when `shown` holds,
 * checked every animation frame: a timing without Playwright's polling intervals in it.
 */
async function timeWhenShown(page: Page, shown: Shown): Promise<number> {
  const handle = await page.waitForFunction(
    (s: Shown) => {
      const items = [...document.querySelectorAll("li[data-item-id]")];
      const find = (title: string) => items.find((li) => li.querySelector("h2")?.textContent?.trim() === title);
      let ok: boolean;
      if ("badge" in s) ok = document.querySelector('[data-testid="unread-count"]')?.textContent?.trim() === s.badge;
      else if ("gone" in s) ok = !find(s.title);
      else ok = find(s.title)?.getAttribute(s.attribute) === s.value;
      return ok ? Date.now() : false;
    },
    shown,
    { polling: "raf", timeout: 45_000 },
  );
  return (await handle.jsonValue()) as number;
}

/**
 * Does `act` in one browser and logs how long until every `shown` holds in the other: from the act,
 * and from the service's answer to the one browser's write (`method`) when there is one.
 */
async function timeAcross(label: string, method: string | undefined, act: () => Promise<unknown>, ...shown: Shown[]): Promise<void> {
  const waits = shown.map((s) => timeWhenShown(other.page, s));
  const answered = method
    ? one.page.waitForResponse((r) => r.request().method() === method && r.url().includes("/me/notifications")).then(() => Date.now())
    : undefined;
  const t0 = Date.now();
  await act();
  const at = Math.max(...(await Promise.all(waits)));
  timings[label] = at - t0;
  if (answered) timings[`${label} (from the ${method}'s answer)`] = at - (await answered);
  console.log(`[live.spec] ${label}: ${at - t0} ms${answered ? `; ${at - (await answered)} ms after the ${method}'s answer` : ""}`);
}

async function open(name: string, browser: import("@playwright/test").Browser): Promise<Browser> {
  const context = await browser.newContext({ baseURL: appOrigin });
  // The app's live log (lib/hooks/use-live-sync.ts), and a handle on each stream's fetch so the test can break it.
  await context.addInitScript(() => {
    localStorage.setItem("inbox-live-log", "1");
    const streams: AbortController[] = [];
    (window as unknown as { __liveStreams: AbortController[] }).__liveStreams = streams;
    const original = window.fetch.bind(window);
    window.fetch = (input, init) => {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      if (!url.endsWith("/me/notifications/stream")) return original(input, init);
      const controller = new AbortController();
      init?.signal?.addEventListener("abort", () => controller.abort());
      streams.push(controller);
      return original(input, { ...init, signal: controller.signal });
    };
  });
  const page = await context.newPage();
  const log: string[] = [];
  page.on("console", (m) => {
    if (m.text().startsWith("[live]")) log.push(m.text());
  });
  await signIn(page, sam);
  return { name, context, page, log };
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  token = await userToken(issuer, sam.upn);
  const run = Date.now();
  titles = [0, 1, 2, 3, 4].map((i) => `Live ${run} #${i}`);
  await postMany(sam.upn, titles.length, (i) => titles[i]!);
  one = await open("one", browser);
  other = await open("other", browser);
  for (const b of [one, other]) {
    await expect(item(b, titles[0]!)).toBeVisible();
    // Each browser holds its own stream (a context is a browser of its own).
    await expect.poll(() => b.log.some((l) => l.includes("stream open")), { message: `${b.name}: stream open` }).toBe(true);
  }
});

test.afterAll(async () => {
  console.log(`[live.spec] timings (ms): ${JSON.stringify(timings)}`);
  for (const b of [one, other]) await b?.context.close();
});

test("the stream through Next's /graph route is not buffered or compressed", async () => {
  const stream = await openStream(`${base}/stream`, token);
  try {
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(stream.headers.get("cache-control")).toBe("no-cache, no-transform");
    expect(stream.headers.get("content-encoding")).toBeNull();
    await stream.next((e) => e.event === "unreadCount");
    const id = await idOf(titles[4]!);
    const from = stream.events.length;
    const sent = performance.now();
    await api(`/${id}`, { method: "PATCH", body: JSON.stringify({ readState: "read" }) });
    const changed = await stream.next((e) => e.event === "changed" && (e.data as { id?: string }).id === id, { from });
    timings["PATCH → stream event (Node client)"] = Math.round(changed.at - sent);
    console.log(`[live.spec] PATCH → stream event through Next: ${Math.round(changed.at - sent)} ms`);
  } finally {
    stream.close();
  }
});

test("mark as read in one browser shows in the other without a reload", async () => {
  await expect(item(other, titles[0]!)).toHaveAttribute("data-unread", "true");
  await timeAcross("mark read", "PATCH", () => item(one, titles[0]!).getByRole("button", { name: "Mark as read", exact: true }).click(), {
    title: titles[0]!,
    attribute: "data-unread",
    value: "false",
  });
  await expect(item(other, titles[0]!)).toHaveAttribute("data-unread", "false");
});

test("dismiss in one browser shows in the other", async () => {
  await timeAcross("dismiss", "PATCH", () => item(one, titles[1]!).getByRole("button", { name: "Dismiss", exact: true }).click(), {
    title: titles[1]!,
    attribute: "data-dismissed",
    value: "true",
  });
  await expect(item(other, titles[1]!)).toHaveAttribute("data-dismissed", "true");
});

test("delete in one browser drops the item in the other once the undo window closes", async () => {
  const id = await idOf(titles[2]!);
  const gone = timeWhenShown(other.page, { title: titles[2]!, gone: true });
  await item(one, titles[2]!).getByRole("button", { name: "Delete", exact: true }).click();
  await expect(item(one, titles[2]!)).toHaveCount(0);
  // The delete is sent when the undo toast goes (5 s): time it from the server's answer.
  let deletedAt = 0;
  one.page.on("response", (r) => {
    if (r.request().method() === "DELETE" && r.url().endsWith(`/me/notifications/${id}`)) deletedAt ||= Date.now();
  });
  await expect.poll(() => deletedAt, { timeout: 15_000, message: "the DELETE went out" }).toBeGreaterThan(0);
  timings["delete (from the DELETE's answer)"] = (await gone) - deletedAt;
  console.log(`[live.spec] delete (from the DELETE's answer): ${timings["delete (from the DELETE's answer)"]} ms`);
  await expect(item(other, titles[2]!)).toHaveCount(0);
});

test("mark all read in one browser reads every item and clears the badge in the other", async () => {
  await expect(inbox(other.page).unreadCount).not.toHaveText("0");
  await timeAcross(
    "mark all read",
    "POST",
    () => inbox(one.page).markAllRead.click(),
    { badge: "0" },
    ...[3, 4].map((i) => ({ title: titles[i]!, attribute: "data-unread", value: "false" })),
  );
  await expect(inbox(other.page).unreadCount).toHaveText("0");
  await expect(inbox(other.page).list.locator('[data-unread="true"]')).toHaveCount(0);
});

test("the stream breaks, cannot reconnect for a while, and misses nothing once back", async () => {
  const streamUrl = "**/me/notifications/stream";
  // Reconnects fail (network error) until the route is removed: the client backs off meanwhile.
  await other.context.route(streamUrl, (route) => route.abort("connectionreset"));
  const logFrom = other.log.length;
  await other.page.evaluate(() => {
    for (const c of (window as unknown as { __liveStreams: AbortController[] }).__liveStreams) c.abort();
  });
  await expect.poll(() => other.log.slice(logFrom).filter((l) => l.includes("retry")).length, { message: "retries while broken" }).toBeGreaterThanOrEqual(2);

  // Changes made elsewhere while the other browser has no stream.
  const unreadAgain = await idOf(titles[0]!);
  const deleted = await idOf(titles[3]!);
  await api(`/${unreadAgain}`, { method: "PATCH", body: JSON.stringify({ readState: "unread" }) });
  await api(`/${deleted}`, { method: "DELETE" });
  // Not shown yet: nothing reached the other browser (no focus change, no push).
  await expect(item(other, titles[3]!)).toBeVisible();

  await timeAcross(
    "from the stream's return to the changes shown",
    undefined,
    () => other.context.unroute(streamUrl),
    { title: titles[0]!, attribute: "data-unread", value: "true" },
    { title: titles[3]!, gone: true },
    { badge: "1" },
  );
  await expect(item(other, titles[0]!)).toHaveAttribute("data-unread", "true");
  await expect(item(other, titles[3]!)).toHaveCount(0);
  await expect(inbox(other.page).unreadCount).toHaveText("1");
  const after = other.log.slice(logFrom);
  console.log(`[live.spec] the other browser's live log while broken:\n  ${after.join("\n  ")}`);
  expect(after.some((l) => l.includes("stream reconnected"))).toBe(true);
});

test("two tabs of one browser share one stream; when the holder closes, the other takes it over", async () => {
  // `one` holds its browser's stream; a second tab of the same browser waits on the lock and hears the relay.
  const tab = await one.context.newPage();
  const tabLog: string[] = [];
  tab.on("console", (m) => {
    if (m.text().startsWith("[live]")) tabLog.push(m.text());
  });
  await tab.goto("/");
  await expect(inbox(tab).item(titles[0]!)).toBeVisible();
  const relayed = await idOf(titles[1]!);
  await api(`/${relayed}`, { method: "PATCH", body: JSON.stringify({ readState: "unread" }) });
  await expect(inbox(tab).item(titles[1]!)).toHaveAttribute("data-unread", "true");
  expect(tabLog.some((l) => l.includes("holding the stream")), "the second tab opened no stream of its own").toBe(false);

  await one.page.close();
  await expect.poll(() => tabLog.some((l) => l.includes("holding the stream")), { message: "the second tab took the stream over" }).toBe(true);
  await api(`/${relayed}`, { method: "PATCH", body: JSON.stringify({ readState: "read" }) });
  await expect(inbox(tab).item(titles[1]!)).toHaveAttribute("data-unread", "false");
  console.log(`[live.spec] the second tab's live log:\n  ${tabLog.join("\n  ")}`);
});
