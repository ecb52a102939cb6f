import { describe, expect, it } from "vitest";
import { formatRelativeTime } from "@/lib/format/relative-time";

const now = Date.parse("2026-11-27T12:00:00Z");
const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString();

describe("formatRelativeTime", () => {
  it("says just now for the last 45 seconds", () => {
    expect(formatRelativeTime(ago(10), now)).toBe("just now");
  });

  it("counts minutes, hours and days", () => {
    expect(formatRelativeTime(ago(5 * 60), now)).toBe("5 minutes ago");
    expect(formatRelativeTime(ago(3 * 3600), now)).toBe("3 hours ago");
    expect(formatRelativeTime(ago(24 * 3600), now)).toBe("yesterday");
    expect(formatRelativeTime(ago(3 * 24 * 3600), now)).toBe("3 days ago");
    expect(formatRelativeTime(ago(15 * 24 * 3600), now)).toBe("2 weeks ago");
  });

  it("returns nothing for a date it cannot read", () => {
    expect(formatRelativeTime("not a date", now)).toBe("");
  });
});
