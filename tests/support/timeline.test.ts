// The lanes of a delivery timeline: one per endpoint, one for the notification itself, every step a
// point on one shared, compressed time axis, failures in words.
import { describe, expect, it } from "vitest";
import { axisPositions, buildTimeline, isDisplayStep, platformLabel, type Lane } from "@/lib/support/timeline";
import { aNotification, anEndpoint } from "../../testing/builders";
import { aDeliveryEndpoint, aDeliveryRecord, aStep, anEvent } from "../../testing/support-builders";

const format = { locale: "en-GB", timeZone: "UTC" };
const notification = aNotification("n1", { createdDateTime: "2026-11-03T10:00:00.000Z", targetHostName: "deploys.contoso.com" });
const phone = aDeliveryEndpoint("phone", { deviceName: "Chrome on Android" });
const desktop = aDeliveryEndpoint("desktop", { deviceName: "Chrome on Linux" });

function lane(lanes: Lane[], name: string): Lane {
  const found = lanes.find((l) => l.name === name);
  if (!found) throw new Error(`no lane ${name} in ${lanes.map((l) => l.name).join(", ")}`);
  return found;
}

const shown = (at = "10:00:01") => [aStep("sent", `2026-11-03T${at}.000Z`), aStep("received", `2026-11-03T${at}.300Z`), aStep("shown", `2026-11-03T${at}.400Z`)];

describe("buildTimeline", () => {
  const timeline = buildTimeline({
    notification,
    format,
    deliveries: [
      aDeliveryRecord(phone, [...shown(), aStep("skipped", "2026-11-03T10:05:00.100Z", { pushKind: "stateChanged", reason: "actingEndpoint" })]),
      aDeliveryRecord(desktop, [...shown("10:00:02"), aStep("sent", "2026-11-03T10:05:00.200Z", { pushKind: "stateChanged" })]),
    ],
    events: [
      anEvent("stateChanged", "2026-11-03T10:05:00.000Z", { endpoint: phone, change: { userActionState: "dismissed" } }),
      anEvent("created", "2026-11-03T10:00:00.000Z"),
    ],
  });

  it("has the notification's own lane first, then one lane per endpoint", () => {
    expect(timeline.lanes.map((l) => [l.kind, l.name])).toEqual([
      ["notification", "The notification"],
      ["endpoint", "Chrome on Android"],
      ["endpoint", "Chrome on Linux"],
    ]);
    expect(lane(timeline.lanes, "The notification").points.map((p) => p.label)).toEqual(["Created"]);
    expect(lane(timeline.lanes, "The notification").summary).toBe("From deploys.contoso.com");
  });

  it("puts each step on its endpoint's lane, oldest first, with the change made there", () => {
    expect(lane(timeline.lanes, "Chrome on Android").points.map((p) => p.label)).toEqual(["Sent", "Received", "Shown", "Dismissed", "Update not sent"]);
    expect(lane(timeline.lanes, "Chrome on Linux").points.map((p) => p.label)).toEqual(["Sent", "Received", "Shown", "Update sent"]);
  });

  it("marks the pushes about a change as updates", () => {
    const points = lane(timeline.lanes, "Chrome on Linux").points;
    expect(points.map((p) => p.update)).toEqual([false, false, false, true]);
    expect(points[3]!.detail).toBe("An update about a change was sent: the push service accepted it (201).");
  });

  it("gives each lane its status, tone and a summary in words", () => {
    const android = lane(timeline.lanes, "Chrome on Android");
    expect(android).toMatchObject({ status: "shown", tone: "ok", summary: "Shown as a notification at 10:00", platform: "Web Push", removed: false });
    expect(android.statusPoint?.iso).toBe("2026-11-03T10:00:01.400Z");
  });

  it("places every point on one shared axis from 0 to 1, in time order", () => {
    const all = timeline.lanes.flatMap((l) => l.points).sort((a, b) => a.at - b.at);
    expect(all[0]!.position).toBe(0);
    expect(all[all.length - 1]!.position).toBe(1);
    for (let i = 1; i < all.length; i++) expect(all[i]!.position).toBeGreaterThanOrEqual(all[i - 1]!.position);
    // The same moment is the same place on every lane.
    const created = lane(timeline.lanes, "The notification").points[0]!;
    expect(created.position).toBe(0);
  });

  it("labels the axis with its first and last moment", () => {
    expect(timeline.axis).toEqual([
      { position: 0, label: "10:00", kind: "start" },
      { position: 1, label: "10:05", kind: "end" },
    ]);
    expect(timeline.reference).toBe(notification.createdDateTime);
  });
});

describe("lane statuses", () => {
  function only(steps: ReturnType<typeof aStep>[], endpoint = phone): Lane {
    const t = buildTimeline({ notification, format, deliveries: [aDeliveryRecord(endpoint, steps)], events: [] });
    return t.lanes.find((l) => l.kind === "endpoint")!;
  }

  it.each([
    ["shown", shown(), "ok"],
    ["shownInPage", [aStep("sent", "2026-11-03T10:00:01Z"), aStep("shown", "2026-11-03T10:00:02Z", { how: "inPage" })], "ok"],
    ["suppressed", [aStep("sent", "2026-11-03T10:00:01Z"), aStep("shown", "2026-11-03T10:00:02Z", { how: "suppressed" })], "muted"],
    ["showError", [aStep("sent", "2026-11-03T10:00:01Z"), aStep("shown", "2026-11-03T10:00:02Z", { how: "error" })], "bad"],
    ["received", [aStep("sent", "2026-11-03T10:00:01Z"), aStep("received", "2026-11-03T10:00:02Z")], "ok"],
    ["sent", [aStep("sent", "2026-11-03T10:00:01Z")], "ok"],
    ["queued", [aStep("queued", "2026-11-03T10:00:01Z")], "pending"],
    ["retrying", [aStep("retrying", "2026-11-03T10:00:01Z", { statusCode: 503, attempts: 1 })], "pending"],
    ["failed", [aStep("failed", "2026-11-03T10:00:01Z", { statusCode: 400, attempts: 1 })], "bad"],
    ["removed", [aStep("subscriptionRemoved", "2026-11-03T10:00:01Z", { statusCode: 410 })], "bad"],
    ["skipped", [aStep("skipped", "2026-11-03T10:00:01Z", { reason: "registeredLater" })], "muted"],
  ] as const)("%s", (status, steps, tone) => {
    expect(only([...steps])).toMatchObject({ status, tone });
  });

  it("shows a skip that means the device is broken (an expired subscription) in red", () => {
    expect(only([aStep("skipped", "2026-11-03T10:00:01Z", { reason: "subscriptionExpired" })])).toMatchObject({ status: "skipped", tone: "bad" });
  });

  it("keeps 'shown' when a later update to it was not shown (suppressed)", () => {
    const l = only([...shown(), aStep("sent", "2026-11-03T10:03:00Z", { pushKind: "updated" }), aStep("shown", "2026-11-03T10:03:01Z", { pushKind: "updated", how: "suppressed" })]);
    expect(l.status).toBe("shown");
  });

  it("keeps 'shown' when the device is later removed, and marks the removal in red", () => {
    const l = only([...shown(), aStep("subscriptionRemoved", "2026-11-03T10:05:00Z", { pushKind: "stateChanged", statusCode: 410 })], { ...phone, removed: true });
    expect(l).toMatchObject({ status: "shown", removed: true });
    expect(l.points.at(-1)).toMatchObject({ kind: "removed", tone: "bad", detail: "The device was removed: the push service said the subscription is gone (410)." });
  });

  it("says why and when a device went", () => {
    const gone = only(shown(), { ...phone, removed: true, removedReason: "takenOver", removedDateTime: "2026-11-04T08:00:00Z" });
    expect(gone.removedNote).toBe("the browser was signed in as someone else, 4 Nov, 08:00");
    expect(only(shown(), { ...phone, removed: true }).removedNote).toBe("no longer registered");
    expect(only(shown()).removedNote).toBeNull();
  });

  it("keeps the last later push that did not go, only once it got there", () => {
    const miss = aStep("skipped", "2026-11-03T10:32:00Z", { pushKind: "updated", reason: "displayWindowOver" });
    expect(only([...shown(), miss])).toMatchObject({
      laterMiss: { kind: "skipped", iso: "2026-11-03T10:32:00Z" },
      summary: "Shown as a notification at 10:00; not pushed again at 10:32",
    });
    expect(only([aStep("skipped", "2026-11-03T10:00:01Z", { reason: "registeredLater" }), miss]).laterMiss).toBeNull();
  });

  it("counts the attempts a retried push took", () => {
    const l = only([
      aStep("retrying", "2026-11-03T10:00:01Z", { statusCode: 503, attempts: 1, nextAttemptDateTime: "2026-11-03T10:00:31Z" }),
      aStep("sent", "2026-11-03T10:00:31Z", { attempts: 2 }),
    ]);
    expect(l.attempts).toBe(2);
    expect(l.points.map((p) => p.detail)).toEqual([
      "Attempt 1 failed: the push service was unavailable (503); next try at 10:00:31.",
      "Sent on attempt 2: the push service accepted it (201).",
    ]);
  });

  it("says a lane with no push at all has none", () => {
    const t = buildTimeline({
      notification,
      format,
      deliveries: [],
      events: [anEvent("stateChanged", "2026-11-03T10:07:00Z", { endpoint: aDeliveryEndpoint("web", { platform: "web", deviceName: null }), change: { readState: "read" } })],
    });
    const web = t.lanes.find((l) => l.kind === "endpoint")!;
    expect(web).toMatchObject({ name: "Browser", platform: "In the app only", status: "none", summary: "No push was recorded for this device." });
    expect(web.points.map((p) => p.detail)).toEqual(["Marked as read on this device."]);
  });

  it("sorts lanes that got it before lanes that did not", () => {
    const t = buildTimeline({
      notification,
      format,
      deliveries: [aDeliveryRecord(desktop, [aStep("subscriptionRemoved", "2026-11-03T10:00:01Z", { statusCode: 410 })]), aDeliveryRecord(phone, shown())],
      events: [],
    });
    expect(t.lanes.filter((l) => l.kind === "endpoint").map((l) => l.name)).toEqual(["Chrome on Android", "Chrome on Linux"]);
  });

  describe("two devices of the same name", () => {
    const named = (records: ReturnType<typeof aDeliveryRecord>[], endpoints: ReturnType<typeof anEndpoint>[] = []) =>
      buildTimeline({ notification, format, deliveries: records, events: [], endpoints })
        .lanes.filter((l) => l.kind === "endpoint")
        .map((l) => l.name);
    const windows = (id: string, over: Parameters<typeof aDeliveryEndpoint>[1] = {}) => aDeliveryEndpoint(id, { deviceName: "Chrome on Windows", ...over });

    it("are told apart by when each was added", () => {
      expect(
        named(
          [aDeliveryRecord(windows("a"), shown()), aDeliveryRecord(windows("b"), shown())],
          [anEndpoint({ id: "a", createdDateTime: "2026-10-01T09:00:00Z" }), anEndpoint({ id: "b", createdDateTime: "2026-11-03T09:30:00Z" })],
        ),
      ).toEqual(["Chrome on Windows (added 1 Oct, 09:00)", "Chrome on Windows (added 09:30)"]);
    });

    it("are told apart by platform when it differs", () => {
      expect(named([aDeliveryRecord(windows("a"), shown()), aDeliveryRecord(windows("b", { platform: "web" }), [aStep("skipped", "2026-11-03T10:00:01Z", { reason: "noPushSubscription" })])])).toEqual([
        "Chrome on Windows (web push)",
        "Chrome on Windows (in the app only)",
      ]);
    });

    it("are numbered when nothing else differs", () => {
      expect(named([aDeliveryRecord(windows("a"), shown()), aDeliveryRecord(windows("b"), shown())])).toEqual(["Chrome on Windows (#1)", "Chrome on Windows (#2)"]);
      expect(named([aDeliveryRecord(windows("a", { removed: true }), shown()), aDeliveryRecord(windows("b", { removed: true }), shown())])).toEqual([
        "Chrome on Windows (removed)",
        "Chrome on Windows (removed) #2",
      ]);
    });
  });

  it("names a device without a name by what it can do", () => {
    expect(only(shown(), aDeliveryEndpoint("x", { deviceName: "  " })).name).toBe("Browser with notifications");
  });
});

describe("the notification's own lane", () => {
  it("holds the app's post, changes no device is recorded for, snooze ends and expiry", () => {
    const t = buildTimeline({
      notification,
      format,
      deliveries: [],
      events: [
        anEvent("expired", "2026-11-05T10:00:00Z"),
        anEvent("woke", "2026-11-03T12:00:00Z"),
        anEvent("stateChanged", "2026-11-03T11:00:00Z", { change: { userActionState: "snoozed", snoozedUntilDateTime: "2026-11-03T12:00:00Z" } }),
        anEvent("delivered", "2026-11-03T10:00:01Z", { endpoint: phone }),
        anEvent("created", "2026-11-03T10:00:00Z"),
      ],
    });
    expect(t.lanes).toHaveLength(1);
    expect(t.lanes[0]!.points.map((p) => p.detail)).toEqual([
      "Created by the app (notifications-sender).",
      "Snoozed until 12:00 by the user (no device recorded).",
      "The snooze ended; it is back in the inbox.",
      "It expired and left the inbox.",
    ]);
  });

  it("starts with the notification's creation when the event log no longer has it", () => {
    const t = buildTimeline({ notification, format, deliveries: [aDeliveryRecord(phone, shown())], events: [] });
    expect(t.lanes[0]!.points.map((p) => [p.label, p.iso])).toEqual([["Created", notification.createdDateTime]]);
  });

  it("marks gaps of an hour or more on the axis, in words", () => {
    const t = buildTimeline({ notification, format, deliveries: [aDeliveryRecord(phone, shown())], events: [anEvent("expired", "2026-11-06T10:00:00Z")] });
    expect(t.axis.map((m) => [m.kind, m.label])).toEqual([
      ["start", "10:00"],
      ["gap", "3 days later"],
      ["end", "6 Nov, 10:00"],
    ]);
  });
});

describe("axisPositions", () => {
  it("is empty for no moments and 0 for a single one", () => {
    expect(axisPositions([]).size).toBe(0);
    expect([...axisPositions([5, 5])]).toEqual([[5, 0]]);
  });

  it("compresses long gaps: three days take less than seven times the room of a second", () => {
    const second = 1000;
    const threeDays = 3 * 24 * 3600 * second;
    const p = axisPositions([0, second, second + threeDays]);
    const short = p.get(second)! - p.get(0)!;
    const long = p.get(second + threeDays)! - p.get(second)!;
    expect(long).toBeGreaterThan(short);
    expect(long / short).toBeLessThan(7);
  });

  it("keeps moments milliseconds apart apart", () => {
    const p = axisPositions([0, 100, 200]);
    expect(p.get(100)!).toBeGreaterThan(0.3);
    expect(p.get(100)!).toBeLessThan(0.7);
  });
});

describe("words", () => {
  it("tells display pushes from updates", () => {
    expect(isDisplayStep({ pushKind: "created" })).toBe(true);
    expect(isDisplayStep({ pushKind: "updated" })).toBe(true);
    expect(isDisplayStep({ pushKind: null })).toBe(true);
    expect(isDisplayStep({ pushKind: "stateChanged" })).toBe(false);
    expect(isDisplayStep({ pushKind: "deleted" })).toBe(false);
  });

  it("names platforms", () => {
    expect([platformLabel("webPush"), platformLabel("web"), platformLabel(null), platformLabel("windows")]).toEqual(["Web Push", "In the app only", "", "windows"]);
  });
});
