import { describe, expect, it } from "vitest";
import { parseDuration, parseExpires } from "@/scripts/lib/expires";

const NOW = new Date("2026-11-27T10:00:00.000Z");

describe("parseDuration", () => {
  it.each([
    ["45s", 45_000],
    ["90m", 90 * 60_000],
    ["12h", 12 * 3_600_000],
    ["3d", 3 * 86_400_000],
    ["2w", 14 * 86_400_000],
    ["1.5h", 90 * 60_000],
    ["3D", 3 * 86_400_000],
  ])("reads %s as %i ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "3", "d", "3 days", "-3d", "0d", "3y", "1e3m", "3d4h"])("refuses %j", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe("parseExpires", () => {
  it("adds a relative duration to now", () => {
    expect(parseExpires("3d", NOW).toISOString()).toBe("2026-11-30T10:00:00.000Z");
    expect(parseExpires("90m", NOW).toISOString()).toBe("2026-11-27T11:30:00.000Z");
  });

  it("takes an ISO date-time with Z or an offset as is", () => {
    expect(parseExpires("2026-12-01T09:00Z", NOW).toISOString()).toBe("2026-12-01T09:00:00.000Z");
    expect(parseExpires("2026-12-01T09:00:00+02:00", NOW).toISOString()).toBe("2026-12-01T07:00:00.000Z");
  });

  it("reads a bare date as midnight UTC", () => {
    expect(parseExpires("2026-12-01", NOW).toISOString()).toBe("2026-12-01T00:00:00.000Z");
  });

  it("refuses a date-time without an offset rather than guess the time zone", () => {
    expect(() => parseExpires("2026-12-01T09:00", NOW)).toThrow(/neither a duration/);
  });

  it("refuses a date in the past", () => {
    expect(() => parseExpires("2026-11-01", NOW)).toThrow(/in the past/);
  });

  it("refuses an impossible date", () => {
    expect(() => parseExpires("2026-13-01", NOW)).toThrow(/not a valid date/);
    expect(() => parseExpires("2027-02-30", NOW)).toThrow(/not a valid date/);
    expect(() => parseExpires("2027-04-31T09:00Z", NOW)).toThrow(/not a valid date/);
  });

  it("keeps a date-time whose offset moves it to another UTC day", () => {
    expect(parseExpires("2026-12-01T00:30+02:00", NOW).toISOString()).toBe("2026-11-30T22:30:00.000Z");
  });

  it("refuses text that is neither", () => {
    expect(() => parseExpires("next week", NOW)).toThrow(/neither a duration \(90m, 12h, 3d\) nor an ISO date/);
  });
});
