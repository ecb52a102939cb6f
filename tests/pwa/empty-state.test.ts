import { describe, expect, it } from "vitest";
import { emptyMessage } from "@/components/empty-state";
import type { InboxFilters } from "@/lib/api/query";

describe("what an empty list says", () => {
  it.each<[InboxFilters, string, string]>([
    [{ view: "all" }, "No notifications yet", "When an app sends you a notification, it appears here."],
    [{ view: "all", group: "Builds" }, "No notifications yet", "Nothing in Builds in the last 30 days."],
    [{ view: "unread" }, "You're all caught up", "No unread notifications."],
    [{ view: "dismissed", group: "Builds" }, "Nothing dismissed", "Notifications you dismiss in Builds show up here until they expire."],
    [{ view: "snoozed" }, "Nothing snoozed", "Notifications you snooze wait here, then return to your inbox."],
    [{ view: "snoozed", search: "deploy" }, "Nothing matches “deploy”", "Try other words, or clear the search."],
  ])("%j: %s", (filters, title, detail) => {
    expect(emptyMessage(filters)).toEqual({ title, detail });
  });
});
