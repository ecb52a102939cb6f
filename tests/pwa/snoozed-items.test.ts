import { describe, expect, it } from "vitest";
import { nextSnoozeEnd, shownInView, wakeDelay, WAKE_MARGIN_MS, WAKE_RETRY_MS } from "@/lib/hooks/snoozed-items";
import type { InboxView } from "@/lib/api/query";
import { aNotification } from "@/testing/builders";

const snoozed = (id: string, until: string) => aNotification(id, { userActionState: "snoozed", snoozedUntilDateTime: until });
const items = [
  aNotification("plain"),
  aNotification("gone", { userActionState: "dismissed" }),
  snoozed("later", "2026-11-28T08:00:00Z"),
  snoozed("sooner", "2026-11-27T15:00:00Z"),
];

describe("which view shows a snoozed item", () => {
  it.each<[InboxView, string[]]>([
    ["all", ["plain", "gone"]],
    ["unread", ["plain", "gone"]],
    ["dismissed", ["plain", "gone"]],
    ["snoozed", ["later", "sooner"]],
  ])("the %s view shows %j", (view, ids) => {
    expect(shownInView(items, view).map((n) => n.id)).toEqual(ids);
  });
});

describe("when the page reads again for a snooze to end", () => {
  const now = Date.parse("2026-11-27T14:00:00Z");

  it("takes the earliest end among the loaded snoozed items", () => {
    expect(nextSnoozeEnd(items)).toBe(Date.parse("2026-11-27T15:00:00Z"));
  });

  it("ignores an end left on an item that is no longer snoozed", () => {
    expect(nextSnoozeEnd([aNotification("a", { snoozedUntilDateTime: "2026-11-27T14:30:00Z" })])).toBeNull();
  });

  it("sets no timer when nothing loaded is snoozed", () => {
    expect(wakeDelay(nextSnoozeEnd([aNotification("a")]), now)).toBeNull();
  });

  it("reads just after the end, so the service's clock has passed it too", () => {
    expect(wakeDelay(Date.parse("2026-11-27T15:00:00Z"), now)).toBe(3_600_000 + WAKE_MARGIN_MS);
  });

  it("tries again a few seconds later while an end already past still reads as snoozed", () => {
    expect(wakeDelay(now - 1, now)).toBe(WAKE_RETRY_MS);
  });

  it("stays within what setTimeout can wait", () => {
    expect(wakeDelay(now + 40 * 86_400_000, now)).toBe(2 ** 31 - 1);
  });
});
