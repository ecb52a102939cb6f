import { describe, expect, it } from "vitest";
import { calendarDaysBetween, formatSnoozeReturn, snoozeEnd, snoozeOptions, zonedInstant } from "@/lib/format/snooze-time";

const at = (iso: string) => Date.parse(iso);
const iso = (d: Date) => d.toISOString();
const gb = { locale: "en-GB" };

describe("snoozeEnd: for 1 hour", () => {
  it("is 60 real minutes later, even across the spring-forward night (Berlin 01:30 → 03:30 on the wall)", () => {
    const now = at("2026-03-29T00:30:00Z"); // 01:30 CET; clocks jump 02:00 → 03:00
    expect(snoozeEnd("hour", now, "Europe/Berlin").getTime() - now).toBe(3_600_000);
  });
});

describe("snoozeEnd: until tomorrow 08:00 in the device's zone", () => {
  it.each([
    ["an ordinary evening in Berlin", "2026-11-27T19:00:00Z", "Europe/Berlin", "2026-11-28T07:00:00.000Z"],
    ["the evening before spring-forward (the night is 23 hours)", "2026-03-28T19:00:00Z", "Europe/Berlin", "2026-03-29T06:00:00.000Z"],
    ["the evening before fall-back (the night is 25 hours)", "2026-10-24T18:00:00Z", "Europe/Berlin", "2026-10-25T07:00:00.000Z"],
    ["New York the evening before its clocks go forward", "2026-03-08T03:00:00Z", "America/New_York", "2026-03-08T12:00:00.000Z"],
    ["Auckland just after midnight (a day ahead of UTC): tomorrow is its own tomorrow", "2026-11-27T12:30:00Z", "Pacific/Auckland", "2026-11-28T19:00:00.000Z"],
    ["the last day of a month", "2026-11-30T20:00:00Z", "UTC", "2026-12-01T08:00:00.000Z"],
    ["the last day of the year", "2026-12-31T12:00:00Z", "UTC", "2027-01-01T08:00:00.000Z"],
  ])("on %s", (_case, now, zone, expected) => {
    expect(iso(snoozeEnd("tomorrow", at(now), zone))).toBe(expected);
  });
});

describe("snoozeEnd: until next Monday 08:00", () => {
  it.each([
    ["a Wednesday", "2026-11-25T10:00:00Z", "2026-11-30T08:00:00.000Z"],
    ["a Friday", "2026-11-27T10:00:00Z", "2026-11-30T08:00:00.000Z"],
    ["a Sunday (the next day)", "2026-11-29T10:00:00Z", "2026-11-30T08:00:00.000Z"],
    ["a Monday afternoon (a week ahead)", "2026-11-30T15:00:00Z", "2026-12-07T08:00:00.000Z"],
    ["a Monday before 08:00 (still a week ahead: it is next Monday)", "2026-11-30T06:00:00Z", "2026-12-07T08:00:00.000Z"],
  ])("from %s", (_case, now, expected) => {
    expect(iso(snoozeEnd("monday", at(now), "UTC"))).toBe(expected);
  });

  it("keeps 08:00 on the wall across a DST change during the week (Berlin, CET → CEST)", () => {
    expect(iso(snoozeEnd("monday", at("2026-03-25T10:00:00Z"), "Europe/Berlin"))).toBe("2026-03-30T06:00:00.000Z");
  });

  it("takes the weekday from the device's zone, not UTC (Sunday 23:30 in UTC is Monday in Tokyo)", () => {
    expect(iso(snoozeEnd("monday", at("2026-11-29T23:30:00Z"), "Asia/Tokyo"))).toBe("2026-12-06T23:00:00.000Z");
  });
});

describe("zonedInstant and calendar days", () => {
  it("finds the instant of a wall-clock time on either side of a DST change", () => {
    expect(new Date(zonedInstant(2026, 3, 28, 8, 0, "Europe/Berlin")).toISOString()).toBe("2026-03-28T07:00:00.000Z");
    expect(new Date(zonedInstant(2026, 3, 30, 8, 0, "Europe/Berlin")).toISOString()).toBe("2026-03-30T06:00:00.000Z");
  });

  it("counts calendar days in the zone, not 24-hour spans", () => {
    expect(calendarDaysBetween(at("2026-11-27T22:50:00Z"), at("2026-11-28T00:10:00Z"), "UTC")).toBe(1);
    expect(calendarDaysBetween(at("2026-11-27T22:50:00Z"), at("2026-11-28T00:10:00Z"), "America/New_York")).toBe(0);
  });
});

describe("snoozeOptions", () => {
  const now = at("2026-11-27T14:42:00Z"); // a Friday
  const week = "2026-12-04T00:00:00Z";

  it("offers the three choices with the time each ends, in the device's zone and locale", () => {
    expect(snoozeOptions(now, week, { timeZone: "UTC", ...gb }).map(({ choice, label, detail, allowed }) => ({ choice, label, detail, allowed }))).toEqual([
      { choice: "hour", label: "For 1 hour", detail: "until 15:42", allowed: true },
      { choice: "tomorrow", label: "Until tomorrow", detail: "Sat 28 Nov, 08:00", allowed: true },
      { choice: "monday", label: "Until next Monday", detail: "Mon 30 Nov, 08:00", allowed: true },
    ]);
  });

  it("refuses a choice that ends after the notification expires", () => {
    const allowed = snoozeOptions(now, "2026-11-28T12:00:00Z", { timeZone: "UTC" }).map((o) => o.allowed);
    expect(allowed).toEqual([true, true, false]);
  });
});

describe("formatSnoozeReturn", () => {
  const now = at("2026-11-27T14:42:00Z"); // Friday
  const say = (until: string) => formatSnoozeReturn(until, now, { timeZone: "UTC", ...gb });

  it.each([
    ["later today", "2026-11-27T15:42:00Z", "Returns today at 15:42"],
    ["tomorrow", "2026-11-28T08:00:00Z", "Returns tomorrow at 08:00"],
    ["within the week, by weekday", "2026-11-30T08:00:00Z", "Returns Monday at 08:00"],
    ["a week or more ahead, by date", "2026-12-07T08:00:00Z", "Returns 7 Dec at 08:00"],
    ["once the time has passed", "2026-11-27T14:00:00Z", "Returning now"],
  ])("says when it returns %s", (_case, until, expected) => {
    expect(say(until)).toBe(expected);
  });

  it("follows the device's locale", () => {
    expect(formatSnoozeReturn("2026-11-28T08:00:00Z", now, { timeZone: "UTC", locale: "en-US" })).toBe("Returns tomorrow at 8:00 AM");
  });

  it("says nothing for a date it cannot read", () => {
    expect(say("soon")).toBe("");
  });
});
