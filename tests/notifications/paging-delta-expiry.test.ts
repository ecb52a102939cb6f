// Keyset paging through nextLink, delta queries, and expiry (contract: Reading history,
// The notification resource — expirationDateTime). The service runs on a clock this file
// controls (real time plus an offset), so expiry is exercised honestly: items are created
// with a valid future expiration, then the service's clock moves past it.
import { randomUUID } from "node:crypto";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "../../testing/users";
import type { Stack } from "../../testing/stack";
import {
  allPages,
  call,
  countOf,
  createForMe,
  getOne,
  inBatches,
  listIds,
  postToMe,
  visualNotification,
  type Notification,
  type Page,
} from "../helpers/graph";
import { startClockStack, type ClockStack } from "../../testing/clock-stack";

const { adele: ADELE, megan: MEGAN, sam: SUPPORT, bruno: BRUNO } = users;
const TRUSTED_KID = "paging-clock-key";

type DeltaEntry = Partial<Notification> & { id: string; "@removed"?: { reason: string } };

let stack: Stack;
let clock: ClockStack;

beforeAll(async () => {
  // A key the service trusts beside the provider's, only for the retention case at the end,
  // where the clock moves further than any real token lives.
  clock = await startClockStack(TRUSTED_KID);
  stack = clock.stack;
});

afterAll(async () => {
  await stack?.close();
});

function entries(pages: Page<DeltaEntry>[]): DeltaEntry[] {
  return pages.flatMap((page) => page.value);
}

describe("paging through 250 items with nextLink", () => {
  let adele: string;
  let created: Notification[];
  const EVEN = "Even";

  beforeAll(async () => {
    adele = await stack.tokenFor(ADELE.upn);
    const indexes = Array.from({ length: 250 }, (_, i) => i);
    created = await inBatches(indexes, 10, async (i) => {
      const res = await postToMe(stack, adele, visualNotification(`Item ${i}`, { groupName: i % 2 === 0 ? EVEN : "Odd" }));
      expect(res.status, res.text).toBe(201);
      return { ...res.body, groupName: i % 2 === 0 ? EVEN : "Odd" } as Notification;
    });
  }, 60_000);

  it("returns every item exactly once, newest first, in pages of 100, 100 and 50", async () => {
    const pages = await allPages(stack, adele, "/me/notifications?$top=100");
    expect(pages.map((p) => p.value.length)).toEqual([100, 100, 50]);
    const ids = pages.flatMap((p) => p.value.map((n) => n.id));
    expect(new Set(ids).size).toBe(250);
    expect([...ids].sort()).toEqual(created.map((n) => n.id).sort());
    const times = pages.flatMap((p) => p.value.map((n) => Date.parse(n.createdDateTime)));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeLessThanOrEqual(times[i - 1]!);
    expect(pages.at(-1)?.["@odata.nextLink"]).toBeUndefined();
  });

  it("gives absolute, opaque next links that a client follows as is", async () => {
    const first = await call<Page>(stack, "/me/notifications?$top=100", { token: adele });
    const nextLink = first.body["@odata.nextLink"]!;
    expect(nextLink.startsWith(`${stack.baseUrl}/me/notifications?`)).toBe(true);
    const skiptoken = new URL(nextLink).searchParams.get("$skiptoken");
    expect(skiptoken).toBeTruthy();
    // Opaque: the cursor does not spell out the last item's id or timestamp.
    const last = first.body.value.at(-1)!;
    expect(decodeURIComponent(nextLink)).not.toContain(last.id);
    expect(decodeURIComponent(nextLink)).not.toContain(last.createdDateTime);
  });

  it("defaults to pages of 50", async () => {
    const first = await call<Page>(stack, "/me/notifications", { token: adele });
    expect(first.status, first.text).toBe(200);
    expect(first.body.value).toHaveLength(50);
    expect(first.body["@odata.nextLink"]).toEqual(expect.any(String));
  });

  it("keeps $filter and $count on every page", async () => {
    const filter = encodeURIComponent(`groupName eq '${EVEN}'`);
    const pages = await allPages(stack, adele, `/me/notifications?$filter=${filter}&$top=50&$count=true`);
    expect(pages.map((p) => p.value.length)).toEqual([50, 50, 25]);
    expect(pages[0]?.["@odata.count"]).toBe(125);
    const items = pages.flatMap((p) => p.value);
    expect(items.every((n) => n.groupName === EVEN)).toBe(true);
    expect(items.map((n) => n.id).sort()).toEqual(created.filter((n) => n.groupName === EVEN).map((n) => n.id).sort());
  });

  it("keeps $orderby asc across pages, giving exactly the reverse of newest first", async () => {
    const desc = (await allPages(stack, adele, "/me/notifications?$top=100")).flatMap((p) => p.value.map((n) => n.id));
    const asc = (
      await allPages(stack, adele, `/me/notifications?$top=70&$orderby=${encodeURIComponent("createdDateTime asc")}`)
    ).flatMap((p) => p.value.map((n) => n.id));
    expect(asc).toEqual([...desc].reverse());
  });

  it("keeps going correctly when items are deleted between pages", async () => {
    const first = await call<Page>(stack, "/me/notifications?$top=100", { token: adele });
    const victim = first.body.value[0]!; // already on the first page
    const onNextPage = await call<Page>(stack, first.body["@odata.nextLink"]!, { token: adele });
    const del = await call(stack, `/me/notifications/${victim.id}`, { method: "DELETE", token: adele });
    expect(del.status).toBe(204);
    const again = await call<Page>(stack, first.body["@odata.nextLink"]!, { token: adele });
    expect(again.body.value.map((n) => n.id)).toEqual(onNextPage.body.value.map((n) => n.id));
  });
});

describe("delta", () => {
  let megan: string;
  let live: Notification[];
  let deletedBefore: Notification;
  let deltaLink: string;
  let initialPages: Page<DeltaEntry>[];

  beforeAll(async () => {
    megan = await stack.tokenFor(MEGAN.upn);
    live = [];
    for (let i = 0; i < 7; i++) live.push(await createForMe(stack, megan, visualNotification(`Delta ${i}`)));
    deletedBefore = await createForMe(stack, megan, visualNotification("Deleted before the first round"));
    expect((await call(stack, `/me/notifications/${deletedBefore.id}`, { method: "DELETE", token: megan })).status).toBe(204);
    initialPages = await allPages<DeltaEntry>(stack, megan, "/me/notifications/delta", { prefer: "odata.maxpagesize=3" });
    deltaLink = initialPages.at(-1)?.["@odata.deltaLink"] ?? "";
  });

  it("pages the first round through every live item and ends with a deltaLink", () => {
    const ids = entries(initialPages).map((e) => e.id);
    expect([...ids].sort()).toEqual(live.map((n) => n.id).sort());
    expect(ids).not.toContain(deletedBefore.id);
    expect(initialPages.slice(0, -1).every((p) => p["@odata.deltaLink"] === undefined)).toBe(true);
    expect(initialPages.at(-1)?.["@odata.nextLink"]).toBeUndefined();
    expect(deltaLink.startsWith(`${stack.baseUrl}/me/notifications/delta?`)).toBe(true);
    expect(new URL(deltaLink).searchParams.get("$deltatoken")).toBeTruthy();
  });

  it("honours Prefer: odata.maxpagesize", () => {
    expect(initialPages.length).toBeGreaterThanOrEqual(3);
    for (const page of initialPages) expect(page.value.length).toBeLessThanOrEqual(3);
  });

  it("returns items in full in the first round", () => {
    const first = entries(initialPages).find((e) => e.id === live[0]!.id);
    expect(first).toMatchObject({ readState: "unread", userActionState: "noInteraction", status: "active" });
    expect(first?.payload?.visualContent?.title).toBe("Delta 0");
  });

  it("returns exactly what changed after a PATCH, a POST and a DELETE, deleted ones as @removed", async () => {
    const [patched, , removed] = live as [Notification, Notification, Notification];
    await call(stack, `/me/notifications/${patched.id}`, { method: "PATCH", token: megan, json: { readState: "read" } });
    await call(stack, `/me/notifications/${patched.id}`, { method: "PATCH", token: megan, json: { userActionState: "activated" } });
    const added = await createForMe(stack, megan, visualNotification("Added after the first round"));
    expect((await call(stack, `/me/notifications/${removed.id}`, { method: "DELETE", token: megan })).status).toBe(204);

    const pages = await allPages<DeltaEntry>(stack, megan, deltaLink);
    const changes = entries(pages);
    expect(changes.map((e) => e.id).sort()).toEqual([patched.id, added.id, removed.id].sort());
    expect(changes.find((e) => e.id === patched.id)).toMatchObject({ readState: "read", userActionState: "activated" });
    expect(changes.find((e) => e.id === patched.id)?.["@removed"]).toBeUndefined();
    expect(changes.find((e) => e.id === added.id)).toMatchObject({ readState: "unread", status: "active" });
    expect(changes.find((e) => e.id === added.id)?.payload?.visualContent?.title).toBe("Added after the first round");
    expect(changes.find((e) => e.id === removed.id)).toEqual({ id: removed.id, "@removed": { reason: "deleted" } });
    const next = pages.at(-1)?.["@odata.deltaLink"];
    expect(next).toEqual(expect.any(String));
    deltaLink = next!;
  });

  it("returns no items and a fresh deltaLink when nothing changed", async () => {
    const pages = await allPages<DeltaEntry>(stack, megan, deltaLink);
    expect(entries(pages)).toEqual([]);
    expect(pages.at(-1)?.["@odata.deltaLink"]).toEqual(expect.any(String));
    deltaLink = pages.at(-1)!["@odata.deltaLink"]!;
  });

  it("reports the items a markAllAsRead changed", async () => {
    const unread = await listIds(stack, megan, `?$filter=${encodeURIComponent("readState eq 'unread'")}`);
    expect(unread.length).toBeGreaterThan(0);
    const res = await call<{ updated: number }>(stack, "/me/notifications/markAllAsRead", { method: "POST", token: megan, json: {} });
    expect(res.body).toEqual({ updated: unread.length });
    const changes = entries(await allPages<DeltaEntry>(stack, megan, deltaLink, { prefer: "odata.maxpagesize=2" }));
    expect(changes.map((e) => e.id).sort()).toEqual([...unread].sort());
    expect(changes.every((e) => e.readState === "read")).toBe(true);
  });
});

describe("when time passes on the service's clock", () => {
  let bruno: string;
  let support: string;
  let expiring: Notification;
  let keeper: Notification;
  let snoozed: Notification;
  let shortLived: Notification;
  let brunoDelta: string;
  let supportDelta: string;
  const MINUTES_PASSED = 5;

  beforeAll(async () => {
    [bruno, support] = await Promise.all([stack.tokenFor(BRUNO.upn), stack.tokenFor(SUPPORT.upn)]);
    const soon = new Date(clock.now().getTime() + 60_000).toISOString();
    expiring = await createForMe(stack, bruno, visualNotification("Gone in a minute", { expirationDateTime: soon, groupName: "Brief" }));
    keeper = await createForMe(stack, bruno, visualNotification("Here for a week", { groupName: "Brief" }));
    expect(await listIds(stack, bruno)).toContain(expiring.id);
    const initial = await allPages<DeltaEntry>(stack, bruno, "/me/notifications/delta");
    expect(entries(initial).map((e) => e.id)).toContain(expiring.id);
    brunoDelta = initial.at(-1)!["@odata.deltaLink"]!;

    snoozed = await createForMe(stack, support, visualNotification("Remind me in a minute"));
    const snooze = await call(stack, `/me/notifications/${snoozed.id}`, {
      method: "PATCH",
      token: support,
      json: { userActionState: "snoozed", snoozedUntilDateTime: soon },
    });
    expect(snooze.status, snooze.text).toBe(200);
    shortLived = await createForMe(stack, support, visualNotification("Shown for an hour", { displayTimeToLive: 3600 }));
    supportDelta = (await allPages<DeltaEntry>(stack, support, "/me/notifications/delta")).at(-1)!["@odata.deltaLink"]!;

    // Minutes pass on the service's clock: the expiration and the snooze are behind it.
    clock.advance(MINUTES_PASSED * 60_000);
  });

  describe("expiry", () => {
    it("never returns an expired item from GET", async () => {
      const res = await call(stack, `/me/notifications/${expiring.id}`, { token: bruno });
      expect(res.status, res.text).toBe(404);
      expect(res.body).toMatchObject({ error: { code: "itemNotFound" } });
    });

    it("never lists an expired item, not even among deleted ones", async () => {
      expect(await listIds(stack, bruno)).toEqual([keeper.id]);
      expect(await listIds(stack, bruno, `?$filter=${encodeURIComponent("status eq 'deleted'")}`)).toEqual([]);
    });

    it("never counts an expired item", async () => {
      expect(await countOf(stack, bruno)).toBe(1);
      expect(await countOf(stack, bruno, "groupName eq 'Brief' and readState eq 'unread'")).toBe(1);
    });

    it("refuses to change an expired item with 404", async () => {
      const res = await call(stack, `/me/notifications/${expiring.id}`, { method: "PATCH", token: bruno, json: { readState: "read" } });
      expect(res.status, res.text).toBe(404);
    });

    it("reports an expired item as removed in delta", async () => {
      const changes = entries(await allPages<DeltaEntry>(stack, bruno, brunoDelta));
      expect(changes).toEqual([{ id: expiring.id, "@removed": { reason: "deleted" } }]);
    });

    it("does not let markAllAsRead count an expired item", async () => {
      const res = await call<{ updated: number }>(stack, "/me/notifications/markAllAsRead", {
        method: "POST",
        token: bruno,
        json: { groupName: "Brief" },
      });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toEqual({ updated: 1 });
    });
  });

  describe("snooze and display time", () => {
    it("returns a snoozed item to noInteraction once its snooze has passed", async () => {
      const item = await getOne(stack, support, snoozed.id);
      expect(item.userActionState).toBe("noInteraction");
      expect(item.snoozedUntilDateTime).toBeNull();
    });

    it("reports the snooze ending as a change in delta", async () => {
      const changes = entries(await allPages<DeltaEntry>(stack, support, supportDelta));
      const woken = changes.find((e) => e.id === snoozed.id);
      expect(woken).toMatchObject({ id: snoozed.id, userActionState: "noInteraction" });
    });

    it("answers displayTimeToLive as the seconds still remaining", async () => {
      const item = await getOne(stack, support, shortLived.id);
      const expected = 3600 - MINUTES_PASSED * 60;
      expect(item.displayTimeToLive).toBeGreaterThanOrEqual(expected - 3);
      expect(item.displayTimeToLive).toBeLessThanOrEqual(expected);
    });
  });
});

describe("delta retention", () => {
  it("answers a deltaLink older than the retention window with 410 resyncRequired", async () => {
    const bruno = await stack.tokenFor(BRUNO.upn);
    const initial = await allPages<DeltaEntry>(stack, bruno, "/me/notifications/delta");
    const oldLink = initial.at(-1)!["@odata.deltaLink"]!;
    clock.advance(45 * 86_400_000);
    // The provider's token would look 45 days old to a service that checks exp on its own clock;
    // re-sign its claims so the token is valid on both clocks (no nbf, exp beyond both).
    const claims = decodeJwt(bruno);
    const token = await clock.sign({ ...claims, nbf: undefined, iat: Math.floor(Date.now() / 1000), exp: Math.floor(clock.now().getTime() / 1000) + 3600, jti: randomUUID() });
    const res = await call(stack, oldLink, { token });
    expect(res.status, res.text).toBe(410);
    expect(res.body).toMatchObject({ error: { code: "resyncRequired" } });
  });
});
