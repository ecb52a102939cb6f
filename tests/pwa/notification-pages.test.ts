import { describe, expect, it } from "vitest";
import { flattenPages, patchItem, removeItem, unreadDelta } from "@/lib/hooks/notification-pages";
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

  it("moves the unread badge only when an active item's read state really changes", () => {
    expect(unreadDelta(item("a"), { readState: "read" })).toBe(-1);
    expect(unreadDelta(item("a", { readState: "read" }), { readState: "unread" })).toBe(1);
    expect(unreadDelta(item("a"), { readState: "unread" })).toBe(0);
    expect(unreadDelta(item("a"), { userActionState: "dismissed" })).toBe(0);
    expect(unreadDelta(item("a", { status: "deleted" }), { readState: "read" })).toBe(0);
  });
});
