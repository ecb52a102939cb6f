// What a POST leaves out and what a PATCH's snooze must satisfy (contract:
// "The notification resource"), as pure functions of the body and the instant.
import { describe, expect, it } from "vitest";
import { PLATFORM_TYPES } from "@/contracts/notification";
import {
  DAY_MS,
  displayUntilFor,
  expirationFor,
  newNotificationFrom,
  platformTypesFor,
  priorityFor,
} from "@/server/notifications/defaults";
import { stateChangeFrom } from "@/server/notifications/service";

const NOW = new Date("2026-11-27T12:00:00.000Z");
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
const OWNER = { tenantId: "t", userId: "u" };

describe("expirationDateTime", () => {
  it("defaults to seven days from now", () => {
    expect(expirationFor(undefined, NOW)).toEqual({ ok: true, value: new Date(NOW.getTime() + 7 * DAY_MS) });
    expect(expirationFor(null, NOW)).toEqual({ ok: true, value: new Date(NOW.getTime() + 7 * DAY_MS) });
  });

  it.each([
    ["one millisecond from now", 1],
    ["exactly thirty days from now", 30 * DAY_MS],
  ])("accepts an expiry %s", (_name, ms) => {
    expect(expirationFor(at(ms), NOW)).toEqual({ ok: true, value: new Date(at(ms)) });
  });

  it.each([
    ["now", 0, "expirationDateTime is in the past"],
    ["a second ago", -1000, "expirationDateTime is in the past"],
    ["thirty days and a millisecond away", 30 * DAY_MS + 1, "expirationDateTime is more than 30 days away"],
  ])("refuses an expiry %s", (_name, ms, message) => {
    expect(expirationFor(at(ms), NOW)).toEqual({ ok: false, message });
  });
});

describe("priority", () => {
  it.each([
    ["High with visualContent", undefined, true, "High"],
    ["None without visualContent", undefined, false, "None"],
    ["None when null is sent without visualContent", null, false, "None"],
    ["the requested one with visualContent", "Low", true, "Low"],
    ["the requested one without visualContent", "High", false, "High"],
  ] as const)("is %s", (_name, requested, visual, expected) => {
    expect(priorityFor(requested, visual)).toBe(expected);
  });
});

describe("targetPolicy.platformTypes", () => {
  it("defaults to every platform type", () => {
    expect(platformTypesFor(undefined)).toEqual([...PLATFORM_TYPES]);
    expect(platformTypesFor(null)).toEqual([...PLATFORM_TYPES]);
  });

  it("keeps the requested platforms once each, in the order first named", () => {
    expect(platformTypesFor({ platformTypes: ["webPush", "ios", "webPush"] })).toEqual(["webPush", "ios"]);
  });
});

describe("the display window", () => {
  it.each([
    ["lasts until expiry without displayTimeToLive", undefined, null],
    ["lasts until expiry when displayTimeToLive is null", null, null],
    ["ends at once for displayTimeToLive 0", 0, NOW],
    ["ends displayTimeToLive seconds from now", 60, new Date(NOW.getTime() + 60_000)],
  ])("%s", (_name, ttl, expected) => {
    expect(displayUntilFor(ttl, NOW)).toEqual(expected);
  });
});

describe("a POST body with its defaults", () => {
  it("becomes the notification to store, owned by the recipient", () => {
    const made = newNotificationFrom({ targetHostName: "contoso.com", payload: { visualContent: { title: "Hi" } } }, OWNER, NOW);
    expect(made).toEqual({
      ok: true,
      value: {
        ...OWNER,
        targetHostName: "contoso.com",
        appNotificationId: null,
        groupName: null,
        title: "Hi",
        body: null,
        rawContent: null,
        priority: "High",
        displayUntil: null,
        expiration: new Date(NOW.getTime() + 7 * DAY_MS),
        platformTypes: [...PLATFORM_TYPES],
        fallbackPolicy: null,
        now: NOW,
      },
    });
  });

  it("carries raw content and what was set", () => {
    const made = newNotificationFrom(
      {
        targetHostName: "contoso.com",
        appNotificationId: "a-1",
        groupName: "builds",
        payload: { rawContent: "{}" },
        displayTimeToLive: 30,
        expirationDateTime: at(DAY_MS),
        targetPolicy: { platformTypes: ["webPush"] },
        fallbackPolicy: { fallbackDelayInSeconds: 60 },
      },
      OWNER,
      NOW,
    );
    expect(made).toMatchObject({
      ok: true,
      value: {
        appNotificationId: "a-1",
        groupName: "builds",
        title: null,
        rawContent: "{}",
        priority: "None",
        displayUntil: new Date(NOW.getTime() + 30_000),
        expiration: new Date(at(DAY_MS)),
        platformTypes: ["webPush"],
        fallbackPolicy: { fallbackDelayInSeconds: 60 },
      },
    });
  });

  it("is refused with the expiry's message when its expiry is not allowed", () => {
    const made = newNotificationFrom({ targetHostName: "contoso.com", payload: { rawContent: "x" }, expirationDateTime: at(-1) }, OWNER, NOW);
    expect(made).toEqual({ ok: false, message: "expirationDateTime is in the past" });
  });
});

describe("a PATCH's state change", () => {
  it("leaves the snooze alone when userActionState is not changed", () => {
    expect(stateChangeFrom({ readState: "read" }, NOW)).toEqual({
      ok: true,
      value: { readState: "read", userActionState: undefined, snoozedUntil: undefined },
    });
  });

  it("clears the snooze when another userActionState is set", () => {
    expect(stateChangeFrom({ userActionState: "dismissed" }, NOW)).toEqual({
      ok: true,
      value: { readState: undefined, userActionState: "dismissed", snoozedUntil: null },
    });
  });

  it("snoozes until a future instant", () => {
    expect(stateChangeFrom({ userActionState: "snoozed", snoozedUntilDateTime: at(1000) }, NOW)).toEqual({
      ok: true,
      value: { readState: undefined, userActionState: "snoozed", snoozedUntil: new Date(at(1000)) },
    });
  });

  it.each([
    ["now", 0],
    ["a second ago", -1000],
  ])("refuses a snooze that ends %s", (_name, ms) => {
    expect(stateChangeFrom({ userActionState: "snoozed", snoozedUntilDateTime: at(ms) }, NOW)).toEqual({
      ok: false,
      message: "snoozedUntilDateTime must be in the future",
    });
  });
});
