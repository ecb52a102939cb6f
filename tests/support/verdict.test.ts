// The verdict on top of a delivery timeline: what a support person reads out to the user, for each
// way a notification can go (or not go) to a device.
import { describe, expect, it } from "vitest";
import { SKIP_REASONS } from "@/contracts/support";
import { buildTimeline, type TimelineInput } from "@/lib/support/timeline";
import { deliveryVerdict } from "@/lib/support/verdict";
import { aNotification, anEndpoint } from "../../testing/builders";
import { aDeliveryEndpoint, aDeliveryRecord, aStep, anEvent } from "../../testing/support-builders";

const format = { locale: "en-GB", timeZone: "UTC" };
const notification = aNotification("n1", { createdDateTime: "2026-11-03T10:00:00.000Z", targetHostName: "deploys.contoso.com" });
const phone = aDeliveryEndpoint("phone", { deviceName: "Chrome on Android" });
const desktop = aDeliveryEndpoint("desktop", { deviceName: "Chrome on Linux" });
const firefox = aDeliveryEndpoint("ff", { deviceName: "Firefox on Windows", pushServiceHost: "updates.push.services.mozilla.com" });

function verdict(input: Partial<TimelineInput>, options: Parameters<typeof deliveryVerdict>[1] = {}): string {
  const timeline = buildTimeline({ notification, deliveries: [], events: [], format, ...input });
  return deliveryVerdict(timeline, { format, ...options });
}

const shownOn = (at = "10:00:01") => [
  aStep("sent", `2026-11-03T${at}.000Z`),
  aStep("received", `2026-11-03T${at}.300Z`),
  aStep("shown", `2026-11-03T${at}.400Z`),
];

const dismissedOn = (endpoint: typeof phone, at: string) =>
  anEvent("stateChanged", at, { endpoint, change: { userActionState: "dismissed" } });

describe("deliveryVerdict", () => {
  it("tells where it was shown and where it was dismissed, one sentence per device", () => {
    expect(
      verdict({
        deliveries: [
          aDeliveryRecord(phone, [...shownOn(), aStep("skipped", "2026-11-03T10:05:00.100Z", { pushKind: "stateChanged", reason: "actingEndpoint" })]),
          aDeliveryRecord(desktop, [...shownOn("10:00:02"), aStep("sent", "2026-11-03T10:05:00.200Z", { pushKind: "stateChanged" })]),
        ],
        events: [dismissedOn(phone, "2026-11-03T10:05:00.000Z"), anEvent("created", "2026-11-03T10:00:00.000Z")],
      }),
    ).toBe("Shown on Chrome on Android at 10:00; dismissed there at 10:05. Shown on Chrome on Linux at 10:00.");
  });

  it("says how many attempts a push took when the first one failed", () => {
    expect(
      verdict({
        deliveries: [
          aDeliveryRecord(phone, [
            aStep("retrying", "2026-11-03T10:00:01Z", { statusCode: 503, attempts: 1, nextAttemptDateTime: "2026-11-03T10:00:31Z" }),
            aStep("sent", "2026-11-03T10:00:31Z", { attempts: 2 }),
            aStep("received", "2026-11-03T10:00:32Z"),
            aStep("shown", "2026-11-03T10:00:32Z"),
          ]),
        ],
      }),
    ).toBe("Shown on Chrome on Android at 10:00 after 2 attempts.");
  });

  it("explains a device its push service called gone (410), and that it was removed", () => {
    expect(
      verdict({
        deliveries: [
          aDeliveryRecord(phone, shownOn()),
          aDeliveryRecord({ ...firefox, removed: true }, [aStep("subscriptionRemoved", "2026-11-03T10:00:01Z", { statusCode: 410 })]),
        ],
      }),
    ).toBe(
      "Shown on Chrome on Android at 10:00. Not delivered to Firefox on Windows: the push service said the subscription is gone (410), so the device was removed.",
    );
  });

  it("names the date a browser's subscription expired when the device list knows it", () => {
    expect(
      verdict({
        deliveries: [aDeliveryRecord(phone, shownOn()), aDeliveryRecord(firefox, [aStep("skipped", "2026-11-03T10:00:01Z", { reason: "subscriptionExpired" })])],
        endpoints: [anEndpoint({ id: "ff", subscriptionExpirationDateTime: "2026-11-02T18:00:00Z" })],
      }),
    ).toBe("Shown on Chrome on Android at 10:00. Not sent to Firefox on Windows: the subscription had expired on 2 Nov.");
  });

  it("says the subscription expired without a date when the device is gone from the list", () => {
    expect(verdict({ deliveries: [aDeliveryRecord(firefox, [aStep("skipped", "2026-11-03T10:00:01Z", { reason: "subscriptionExpired" })])] })).toBe(
      "Not sent to Firefox on Windows: the browser's push subscription had expired.",
    );
  });

  it("explains a display window that ran out, with its length", () => {
    expect(
      verdict({
        notification: { ...notification, displayTimeToLive: 300 },
        deliveries: [aDeliveryRecord(phone, [aStep("skipped", "2026-11-03T10:06:00Z", { reason: "displayWindowOver" })])],
      }),
    ).toBe("Not sent to Chrome on Android: its display window (5 min) was over before it could go out.");
  });

  it("explains a device registered after the notification was sent, with when", () => {
    expect(
      verdict({
        deliveries: [aDeliveryRecord(desktop, [aStep("skipped", "2026-11-04T09:00:00Z", { reason: "registeredLater" })])],
        endpoints: [anEndpoint({ id: "desktop", createdDateTime: "2026-11-04T09:00:00Z" })],
      }),
    ).toBe("Not sent to Chrome on Linux: the device was registered after the notification was sent (on 4 Nov, 09:00).");
  });

  it("says a device never confirmed a push that was sent", () => {
    expect(verdict({ deliveries: [aDeliveryRecord(phone, [aStep("sent", "2026-11-03T10:00:01Z")])] })).toBe(
      "Sent to Chrome on Android at 10:00; the device never confirmed receiving it.",
    );
  });

  it("says a push reached the device but was not confirmed shown", () => {
    expect(verdict({ deliveries: [aDeliveryRecord(phone, [aStep("sent", "2026-11-03T10:00:01Z"), aStep("received", "2026-11-03T10:00:02Z")])] })).toBe(
      "Reached Chrome on Android at 10:00; the device did not confirm showing it.",
    );
  });

  it("explains a push the device did not show because it was already settled", () => {
    expect(
      verdict({
        deliveries: [
          aDeliveryRecord(phone, [aStep("sent", "2026-11-03T10:00:01Z"), aStep("received", "2026-11-03T10:00:02Z"), aStep("shown", "2026-11-03T10:00:02Z", { how: "suppressed" })]),
        ],
      }),
    ).toBe("Reached Chrome on Android at 10:00 but was not shown there: it was already read or dismissed.");
  });

  it("reports a browser that failed to show it", () => {
    expect(
      verdict({
        deliveries: [aDeliveryRecord(phone, [aStep("sent", "2026-11-03T10:00:01Z"), aStep("shown", "2026-11-03T10:00:02Z", { how: "error" })])],
      }),
    ).toBe("Reached Chrome on Android at 10:00, but the browser failed to show it.");
  });

  it("says it was shown inside the open app", () => {
    expect(
      verdict({ deliveries: [aDeliveryRecord(phone, [aStep("sent", "2026-11-03T10:00:01Z"), aStep("shown", "2026-11-03T10:00:02Z", { how: "inPage" })])] }),
    ).toBe("Shown inside the open app on Chrome on Android at 10:00.");
  });

  it("says when no device was registered at all", () => {
    expect(verdict({ events: [anEvent("created", "2026-11-03T10:00:00Z")] })).toBe(
      "Not pushed to any device: there was no device registered for notifications, so it was only in the inbox.",
    );
  });

  it("reports a push that failed for good, with the status and the attempts", () => {
    expect(
      verdict({
        deliveries: [
          aDeliveryRecord(phone, [
            aStep("retrying", "2026-11-03T10:00:01Z", { statusCode: 500, attempts: 1 }),
            aStep("failed", "2026-11-03T10:10:00Z", { statusCode: 500, attempts: 5 }),
          ]),
        ],
      }),
    ).toBe("Could not be sent to Chrome on Android: the push service had an error (500) (gave up after 5 attempts).");
  });

  it("reports a push still being retried, with the next try", () => {
    expect(
      verdict({
        deliveries: [
          aDeliveryRecord(phone, [aStep("retrying", "2026-11-03T10:00:01Z", { statusCode: null, reason: "ECONNRESET", attempts: 1, nextAttemptDateTime: "2026-11-03T10:00:31Z" })]),
        ],
      }),
    ).toBe("Still trying Chrome on Android: no answer from the push service (ECONNRESET); next try at 10:00:31.");
  });

  it("reports a push still waiting in the queue", () => {
    expect(verdict({ deliveries: [aDeliveryRecord(phone, [aStep("queued", "2026-11-03T10:00:00.500Z")])] })).toBe(
      "Waiting to be sent to Chrome on Android (queued at 10:00).",
    );
  });

  it("explains every skip reason in words, never the code", () => {
    for (const reason of SKIP_REASONS) {
      const text = verdict({ deliveries: [aDeliveryRecord(phone, [aStep("skipped", "2026-11-03T10:00:01Z", { reason })])] });
      expect(text).toMatch(/^Not sent to Chrome on Android: [a-z]/);
      // No camelCase code ("subscriptionExpired") reaches the sentence.
      expect(text).not.toMatch(/\b[a-z]+[A-Z]\w*/);
    }
  });

  it("is told from the display push: an update skipped later does not make it 'not sent'", () => {
    expect(
      verdict({
        deliveries: [
          aDeliveryRecord(desktop, [
            aStep("sent", "2026-11-03T10:00:01Z"),
            aStep("skipped", "2026-11-03T10:05:00Z", { pushKind: "stateChanged", reason: "notShownThere" }),
          ]),
        ],
      }),
    ).toBe("Sent to Chrome on Linux at 10:00; the device never confirmed receiving it.");
  });

  it("marks a device removed since it was shown", () => {
    expect(verdict({ deliveries: [aDeliveryRecord({ ...phone, removed: true }, shownOn())] })).toBe("Shown on Chrome on Android (since removed) at 10:00.");
  });

  it("tells a change on a device no push was meant for", () => {
    const web = aDeliveryEndpoint("web", { platform: "web", deviceName: "Edge on Windows" });
    expect(
      verdict({
        deliveries: [aDeliveryRecord(phone, shownOn())],
        events: [anEvent("stateChanged", "2026-11-03T10:07:00Z", { endpoint: web, change: { readState: "read" } })],
      }),
    ).toBe("Shown on Chrome on Android at 10:00. Marked read at 10:07 on Edge on Windows.");
  });

  it("tells changes with no device recorded, and expiry, after the devices", () => {
    expect(
      verdict({
        deliveries: [aDeliveryRecord(phone, shownOn())],
        events: [
          anEvent("stateChanged", "2026-11-03T10:08:00Z", { actor: { kind: "app", id: "notifications-sender" }, change: { userActionState: "dismissed" } }),
          anEvent("expired", "2026-11-05T10:00:00Z"),
        ],
      }),
    ).toBe("Shown on Chrome on Android at 10:00. Dismissed by the app (notifications-sender) at 10:08. It expired at 5 Nov, 10:00.");
  });

  it("lists two changes on one device, then counts the rest", () => {
    const on = (at: string, change: object) => anEvent("stateChanged", at, { endpoint: phone, change });
    expect(
      verdict({
        deliveries: [aDeliveryRecord(phone, shownOn())],
        events: [
          on("2026-11-03T10:01:00Z", { readState: "read" }),
          on("2026-11-03T10:02:00Z", { readState: "unread" }),
          on("2026-11-03T10:03:00Z", { userActionState: "dismissed" }),
        ],
      }),
    ).toBe("Shown on Chrome on Android at 10:00; marked read there at 10:01, then marked unread at 10:02, and 1 more change.");
  });

  it("tells at most four devices one by one and counts the others", () => {
    const records = ["a", "b", "c", "d", "e", "f"].map((id) =>
      aDeliveryRecord(aDeliveryEndpoint(id, { deviceName: `Device ${id}` }), [aStep("sent", "2026-11-03T10:00:01Z")]),
    );
    const text = verdict({ deliveries: records });
    expect(text.match(/Sent to Device/g)).toHaveLength(4);
    expect(text).toMatch(/And 2 more devices, below\.$/);
  });

  it("tells devices that got it before devices that did not", () => {
    const text = verdict({
      deliveries: [aDeliveryRecord(firefox, [aStep("subscriptionRemoved", "2026-11-03T10:00:01Z", { statusCode: 404 })]), aDeliveryRecord(phone, shownOn())],
    });
    expect(text.indexOf("Shown on")).toBeLessThan(text.indexOf("Not delivered"));
    expect(text).toContain("the push service said the subscription does not exist (404)");
  });

  it("writes times in the user's locale, with the day when it is not the notification's", () => {
    const text = buildTimeline({
      notification,
      deliveries: [aDeliveryRecord(phone, [aStep("sent", "2026-11-04T15:30:00Z")])],
      events: [],
      format: { locale: "en-US", timeZone: "UTC" },
    });
    expect(deliveryVerdict(text, { format: { locale: "en-US", timeZone: "UTC" } })).toBe(
      "Sent to Chrome on Android at Nov 4, 3:30 PM; the device never confirmed receiving it.",
    );
  });

  it("tells once, after the devices, that a snooze ended after the display window and nothing was pushed again", () => {
    const later = aStep("skipped", "2026-11-03T10:32:00Z", { pushKind: "updated", reason: "displayWindowOver" });
    expect(
      verdict({
        notification: { ...notification, displayTimeToLive: 900 },
        deliveries: [aDeliveryRecord(phone, [...shownOn(), later]), aDeliveryRecord(desktop, [...shownOn("10:00:02"), later])],
        events: [
          anEvent("woke", "2026-11-03T10:32:00Z"),
          anEvent("stateChanged", "2026-11-03T10:02:00Z", { endpoint: desktop, change: { userActionState: "snoozed", snoozedUntilDateTime: "2026-11-03T10:32:00Z" } }),
        ],
      }),
    ).toBe(
      "Shown on Chrome on Android at 10:00. Shown on Chrome on Linux at 10:00; snoozed there at 10:02. " +
        "When the snooze ended at 10:32, it was not pushed again: its display window (15 min) was over before it could go out.",
    );
  });

  it("tells a later push that did not go to one device on that device's sentence", () => {
    expect(
      verdict({
        deliveries: [
          aDeliveryRecord(phone, [...shownOn(), aStep("failed", "2026-11-03T11:00:00Z", { pushKind: "updated", statusCode: 500, attempts: 3 })]),
          aDeliveryRecord(desktop, shownOn("10:00:02")),
        ],
      }),
    ).toBe("Shown on Chrome on Android at 10:00; not pushed again at 11:00: the push service had an error (500). Shown on Chrome on Linux at 10:00.");
  });

  it("says so when nothing at all is recorded", () => {
    expect(deliveryVerdict(buildTimeline({ deliveries: [], events: [] }))).toBe("Nothing is recorded for this notification.");
  });
});
