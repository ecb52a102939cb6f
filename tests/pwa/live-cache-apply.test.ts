import type { ScopedMutator } from "swr";
import { describe, expect, it, vi } from "vitest";
import type { Notification, NotificationPage } from "@/contracts/notification";
import { applyChangesToList, applyChangesToPages, scopeOfFilters, type ListScope } from "@/lib/live/cache-apply";
import { applyLiveChanges, createLiveFeed, followLiveChanges } from "@/lib/live/live-cache";
import type { LiveChange } from "@/lib/live/live-messages";
import { aNotification } from "@/testing/builders";

/** Items created a minute apart: "n9" is newer than "n1". */
function item(id: string, over: Partial<Notification> = {}): Notification {
  const minute = Number(id.replace(/\D/g, "")) || 0;
  return aNotification(id, { createdDateTime: new Date(Date.UTC(2026, 10, 27, 0, minute)).toISOString(), ...over });
}

const later = (n: Notification, over: Partial<Notification>): Notification => ({
  ...n,
  ...over,
  "@odata.etag": `${n["@odata.etag"]}+`,
  lastModifiedDateTime: new Date(Date.parse(n.lastModifiedDateTime) + 1000).toISOString(),
});

const all: ListScope = scopeOfFilters({ view: "all" });
const changed = (n: Notification): LiveChange => ({ kind: "changed", item: n });
const removed = (id: string): LiveChange => ({ kind: "removed", id });
const ids = (pages: NotificationPage[] | undefined) => pages?.map((p) => p.value.map((n) => n.id));

describe("applying live changes to loaded pages", () => {
  const pages = (): NotificationPage[] => [
    { value: [item("n9"), item("n8")], "@odata.nextLink": "next-1" },
    { value: [item("n6"), item("n5")], "@odata.nextLink": "next-2" },
  ];

  it("replaces the changed item in whichever page holds it and leaves the other pages as they were", () => {
    const before = pages();
    const read = later(before[1]!.value[0]!, { readState: "read" });
    const after = applyChangesToPages(before, [changed(read)], all)!;
    expect(after[1]!.value[0]).toBe(read);
    expect(after[0]).toBe(before[0]);
    expect(before[1]!.value[0]!.readState).toBe("unread");
  });

  it("drops a removed item", () => {
    expect(ids(applyChangesToPages(pages(), [removed("n8")], all))).toEqual([["n9"], ["n6", "n5"]]);
  });

  it("returns the same pages when nothing loaded is touched, so SWR does not re-render", () => {
    const before = pages();
    expect(applyChangesToPages(before, [removed("elsewhere"), changed(item("n1"))], all)).toBe(before);
    // The same version again (delta after the stream already brought it).
    expect(applyChangesToPages(before, [changed(item("n9"))], all)).toBe(before);
  });

  it("adds a new item in its place, newest first, when that place is within the loaded pages", () => {
    expect(ids(applyChangesToPages(pages(), [changed(item("n10"))], all))).toEqual([["n10", "n9", "n8"], ["n6", "n5"]]);
    // Between two pages it may land at either side of the boundary: the order is what counts.
    expect(ids(applyChangesToPages(pages(), [changed(item("n7"))], all))!.flat()).toEqual(["n9", "n8", "n7", "n6", "n5"]);
  });

  it("leaves an item older than everything loaded to the next page load, unless the list is complete", () => {
    expect(ids(applyChangesToPages(pages(), [changed(item("n1"))], all))).toEqual([["n9", "n8"], ["n6", "n5"]]);
    const complete = [{ value: [item("n9")] }];
    expect(ids(applyChangesToPages(complete, [changed(item("n1"))], all))).toEqual([["n9", "n1"]]);
  });

  it("drops an item that no longer belongs to the list (read, in the unread view)", () => {
    const unread = scopeOfFilters({ view: "unread" });
    const before = pages();
    const read = later(before[0]!.value[1]!, { readState: "read" });
    expect(ids(applyChangesToPages(before, [changed(read)], unread))).toEqual([["n9"], ["n6", "n5"]]);
  });

  it("keeps a change older than the copy it has (stream and delta crossing)", () => {
    const before = pages();
    const newer = later(before[0]!.value[0]!, { readState: "read" });
    const withNewer = applyChangesToPages(before, [changed(newer)], all)!;
    expect(applyChangesToPages(withNewer, [changed(before[0]!.value[0]!)], all)).toBe(withNewer);
  });

  it("applies changes in order: removed, then back (a re-sent notification)", () => {
    const back = later(item("n8"), { readState: "unread" });
    expect(ids(applyChangesToPages(pages(), [removed("n8"), changed(back)], all))!.flat()).toEqual(["n9", "n8", "n6", "n5"]);
  });

  it("updates in place but never adds while searching (only the service knows what matches)", () => {
    const search = scopeOfFilters({ view: "all", search: "deploy" });
    const before = pages();
    const read = later(before[0]!.value[0]!, { readState: "read" });
    const after = applyChangesToPages(before, [changed(read), changed(item("n10"))], search)!;
    expect(ids(after)).toEqual([["n9", "n8"], ["n6", "n5"]]);
    expect(after[0]!.value[0]!.readState).toBe("read");
  });

  it.each([
    [{ view: "all" } as const, {}, true],
    [{ view: "all" } as const, { status: "deleted" } as const, false],
    [{ view: "unread" } as const, { readState: "read" } as const, false],
    [{ view: "dismissed" } as const, { userActionState: "dismissed" } as const, true],
    [{ view: "dismissed" } as const, {}, false],
    [{ view: "all", group: "Deploys" } as const, { groupName: "Builds" }, false],
    [{ view: "all", group: "Deploys" } as const, { groupName: "Deploys" }, true],
  ])("scope %j holds an item like %j: %s", (filters, over, expected) => {
    expect(scopeOfFilters(filters).includes(item("n1", over))).toBe(expected);
  });

  it("edits a list cached as one page as well as SWR infinite's pages; nothing loaded stays nothing", () => {
    const page: NotificationPage = { value: [item("n2")] };
    expect(applyChangesToList(page, [changed(item("n3"))], all)!.value.map((n) => n.id)).toEqual(["n3", "n2"]);
    expect(applyChangesToList(undefined, [changed(item("n3"))], all)).toBeUndefined();
  });
});

describe("the SWR side", () => {
  /** SWR's cache as a Map of key states, and a global mutate that writes it (what the code under test uses of them). */
  function fakeSwr(entries: [string, { data?: unknown; isValidating?: boolean }][]) {
    const cache = new Map(entries);
    const writes: string[] = [];
    const mutate = vi.fn((key: string, data: unknown, options: { revalidate: boolean }) => {
      expect(options).toEqual({ revalidate: false });
      writes.push(key);
      cache.set(key, { ...cache.get(key), data });
      return Promise.resolve(data);
    });
    return { cache, writes, mutate: mutate as unknown as ScopedMutator };
  }

  it("each key the matcher names is edited with its own scope; other keys and untouched lists are left alone", () => {
    const swr = fakeSwr([
      ["$inf$all", { data: [{ value: [item("n2")] }] }],
      ["$inf$unread", { data: [{ value: [item("n2")] }] }],
      ["$inf$group", { data: [{ value: [item("n5", { groupName: "Other" })] }] }],
      ["count", { data: 4 }],
    ]);
    const scopes: Record<string, ListScope> = { $inf$all: all, $inf$unread: scopeOfFilters({ view: "unread" }), $inf$group: scopeOfFilters({ view: "all", group: "Other" }) };
    const read = later(item("n2"), { readState: "read" });
    applyLiveChanges({ cache: swr.cache, mutate: swr.mutate, matchKey: (key) => scopes[key] }, [changed(read)]);
    expect((swr.cache.get("$inf$all")!.data as NotificationPage[])[0]!.value[0]).toBe(read);
    expect(ids(swr.cache.get("$inf$unread")!.data as NotificationPage[])).toEqual([[]]);
    expect(swr.writes.sort()).toEqual(["$inf$all", "$inf$unread"]);
  });

  it("a list hook follows the feed until it unsubscribes", () => {
    const swr = fakeSwr([["list", { data: [{ value: [item("n2"), item("n1")] }] }]]);
    const feed = createLiveFeed();
    const stop = followLiveChanges({ cache: swr.cache, mutate: swr.mutate, matchKey: (k) => (k === "list" ? all : undefined) }, feed);
    feed.publish([removed("n1"), changed(item("n3"))]);
    stop();
    feed.publish([removed("n2")]);
    expect(ids(swr.cache.get("list")!.data as NotificationPage[])).toEqual([["n3", "n2"]]);
  });

  it("changes wait, in order, while the list is being fetched (SWR would discard the fetch they overtook)", async () => {
    vi.useFakeTimers();
    try {
      const swr = fakeSwr([["list", { data: undefined, isValidating: true }]]);
      const feed = createLiveFeed();
      const stop = followLiveChanges({ cache: swr.cache, mutate: swr.mutate, matchKey: (k) => (k === "list" ? all : undefined) }, feed);
      feed.publish([changed(item("n3"))]);
      feed.publish([removed("n1")]);
      await vi.advanceTimersByTimeAsync(200);
      expect(swr.writes).toEqual([]);
      // The first page arrives.
      swr.cache.set("list", { data: [{ value: [item("n2"), item("n1")] }], isValidating: false });
      await vi.advanceTimersByTimeAsync(60);
      expect(ids(swr.cache.get("list")!.data as NotificationPage[])).toEqual([["n3", "n2"]]);
      expect(swr.writes).toEqual(["list"]);
      stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
