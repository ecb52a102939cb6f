// What the page says about a change made offline that did not apply as made (components/offline-notice.tsx).
import { describe, expect, it } from "vitest";
import type { Notification } from "@/contracts/notification";
import { noticeText } from "@/components/offline-notice";
import { ApiError } from "@/lib/api/errors";
import type { QueuedChange } from "@/lib/offline/change-queue";

const change: QueuedChange = { user: "u", at: "2026-12-02T08:00:00.000Z", title: "Invoice 5512", op: { kind: "update", id: "n1", patch: { userActionState: "activated" }, action: "activate" } };
const item = (over: Partial<Notification>) => ({ id: "n1", readState: "read", userActionState: "noInteraction", ...over }) as Notification;

describe("the notice for a change made offline that did not apply as made", () => {
  it("names what another device did later, field by field", () => {
    expect(noticeText({ key: "1", outcome: { result: "superseded", change, item: item({ userActionState: "dismissed" }), fields: ["userActionState"] } })).toBe(
      "“Invoice 5512” was dismissed on another device after your offline change, so it stays that way.",
    );
    expect(
      noticeText({ key: "2", outcome: { result: "superseded", change, item: item({ readState: "unread", userActionState: "activated" }), fields: ["readState", "userActionState"] } }),
    ).toBe("“Invoice 5512” was marked unread and opened on another device after your offline change, so it stays that way.");
  });

  it("says when the item is gone, or the service refused the change", () => {
    expect(noticeText({ key: "3", outcome: { result: "gone", change } })).toBe("“Invoice 5512” was deleted or expired before your offline change could be sent.");
    const error = new ApiError(400, "invalidRequest", "snoozedUntilDateTime must be in the future", "r", undefined);
    expect(noticeText({ key: "4", outcome: { result: "refused", change: { ...change, title: undefined }, error } })).toBe(
      "Your offline change to a notification was not accepted: snoozedUntilDateTime must be in the future",
    );
  });
});
