import { describe, expect, it } from "vitest";
import { flattenPages, mapItems, mergeFirstPage, patchItem, removeItem, replaceItem, restoreItem, unreadDelta } from "@/lib/hooks/notification-pages";
import type { Notification } from "@/contracts/notification";
import { aNotification } from "@/testing/builders";

function item(id: string, extra: Partial<Notification> = {}): Notification {
  return aNotification(id, extra);
}

describe("optimistic cache edits", () => {
  it("flattens pages in order and drops an item repeated across a page boundary", () => {
    const pages = [{ value: [item("a"), item("b")] }, { value: [item("b"), item("c")] }];
    expect(flattenPages(pages).map((n) => n.id)).toEqual(["a", "b", "c"]);
  });

  it("patches only the named item and leaves the others untouched", () => {
    const pages = [{ value: [item("a"), item("b")] }];
    const next = patchItem(pages, "b", { readState: "read" })!;
    expect(next[0]!.value.map((n) => n.readState)).toEqual(["unread", "read"]);
    expect(next[0]!.value[0]).toBe(pages[0]!.value[0]);
    expect(pages[0]!.value[1]!.readState).toBe("unread");
  });

  it("removes an item from whichever page holds it", () => {
    const pages = [{ value: [item("a")] }, { value: [item("b")] }];
    expect(flattenPages(removeItem(pages, "b")).map((n) => n.id)).toEqual(["a"]);
  });

  it("copies only the page that holds the edited item; every other page keeps its identity", () => {
    const pages = [{ value: [item("a")] }, { value: [item("b")] }, { value: [item("c")] }];
    for (const next of [patchItem(pages, "b", { readState: "read" })!, replaceItem(pages, item("b", { readState: "read" }))!, removeItem(pages, "b")!]) {
      expect(next[0]).toBe(pages[0]);
      expect(next[1]).not.toBe(pages[1]);
      expect(next[2]).toBe(pages[2]);
    }
  });

  it("keeps a page none of whose items a bulk edit changed", () => {
    const pages = [{ value: [item("a", { readState: "read" })] }, { value: [item("b")] }];
    const next = mapItems(pages, (n) => (n.readState === "unread" ? { ...n, readState: "read" } : n))!;
    expect(next[0]).toBe(pages[0]);
    expect(next[1]!.value[0]!.readState).toBe("read");
  });

  it("puts a removed item back before the first loaded item older than it", () => {
    const at = (h: number) => ({ createdDateTime: `2026-11-30T${String(h).padStart(2, "0")}:00:00Z` });
    const pages = [{ value: [item("a", at(9)), item("c", at(7))] }, { value: [item("d", at(6))] }];
    expect(flattenPages(restoreItem(removeItem(pages, "c"), item("c", at(7)))).map((n) => n.id)).toEqual(["a", "c", "d"]);
    expect(flattenPages(restoreItem(pages, item("e", at(1)))).map((n) => n.id)).toEqual(["a", "c", "d", "e"]);
  });

  it("moves the unread badge only when an active item's read state really changes", () => {
    expect(unreadDelta(item("a"), { readState: "read" })).toBe(-1);
    expect(unreadDelta(item("a", { readState: "read" }), { readState: "unread" })).toBe(1);
    expect(unreadDelta(item("a"), { readState: "unread" })).toBe(0);
    expect(unreadDelta(item("a"), { userActionState: "dismissed" })).toBe(0);
    expect(unreadDelta(item("a", { status: "deleted" }), { readState: "read" })).toBe(0);
  });
});

describe("catching up: a fresh first page merged into the loaded pages", () => {
  const at = (m: number) => ({ createdDateTime: `2026-11-30T10:${String(m).padStart(2, "0")}:00Z` });
  const n = (id: string, m: number, extra: Partial<Notification> = {}) => item(id, { ...at(m), ...extra });
  const loaded = [
    { value: [n("e", 50), n("d", 40), n("c", 30)], "@odata.nextLink": "after-c" },
    { value: [n("b", 20), n("a", 10)], "@odata.nextLink": "after-a" },
  ];

  it("shows new items on top, keeps the ones they pushed down, and never touches a later page", () => {
    const fresh = { value: [n("g", 59), n("f", 55), n("e", 50, { readState: "read" })], "@odata.nextLink": "after-e" };
    const merged = mergeFirstPage(loaded, fresh);
    expect(flattenPages(merged).map((x) => x.id)).toEqual(["g", "f", "e", "d", "c", "b", "a"]);
    expect(merged[0]!.value.find((x) => x.id === "e")!.readState).toBe("read");
    // The later pages' keys come from this link: kept, so none of them is fetched again.
    expect(merged[0]!["@odata.nextLink"]).toBe("after-c");
    expect(merged[1]).toBe(loaded[1]);
  });

  it("drops an item missing from the fresh page's range: it was deleted or left the view", () => {
    const fresh = { value: [n("e", 50), n("c", 30)], "@odata.nextLink": "after-c" };
    expect(flattenPages(mergeFirstPage(loaded, fresh)).map((x) => x.id)).toEqual(["e", "c", "b", "a"]);
  });

  it("takes a fresh first page without a next link as the whole list", () => {
    const fresh = { value: [n("e", 50)] };
    expect(mergeFirstPage(loaded, fresh)).toEqual([fresh]);
    expect(mergeFirstPage(undefined, fresh)).toEqual([fresh]);
  });
});
