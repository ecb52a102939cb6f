import { describe, expect, it } from "vitest";
import { ACTION_TIME_SKEW_MS, isSuperseded, parseActionTime } from "@/server/notifications/action-time";
import { ISO_DATE_TIME } from "@/server/notifications/filter";

const now = new Date("2026-11-27T12:00:00.000Z");
const iso = (s: string) => ISO_DATE_TIME.test(s);

describe("X-Action-Time header", () => {
  it("is optional", () => {
    expect(parseActionTime(undefined, now, iso)).toEqual({ ok: true, at: undefined });
  });

  it("accepts a past ISO 8601 time", () => {
    expect(parseActionTime("2026-11-27T11:00:00Z", now, iso)).toEqual({ ok: true, at: new Date("2026-11-27T11:00:00Z") });
  });

  it("tolerates a few seconds of clock skew but not more", () => {
    const slightly = new Date(now.getTime() + ACTION_TIME_SKEW_MS - 1).toISOString();
    const clearly = new Date(now.getTime() + 60_000).toISOString();
    expect(parseActionTime(slightly, now, iso).ok).toBe(true);
    expect(parseActionTime(clearly, now, iso)).toEqual({ ok: false, message: "X-Action-Time is in the future" });
  });

  it.each(["yesterday", "2026-11-27", "1700000000", "2026-13-45T99:00:00Z"])("rejects %j", (value) => {
    expect(parseActionTime(value, now, iso).ok).toBe(false);
  });
});

describe("replay conflict rule", () => {
  const item = { lastModified: new Date("2026-11-27T11:30:00Z"), lastModifiedEndpoint: "phone" };

  it("applies a change without an action time", () => {
    expect(isSuperseded(item, undefined, "laptop")).toBe(false);
  });

  it("does not let an older change from another endpoint overwrite a newer one", () => {
    expect(isSuperseded(item, new Date("2026-11-27T11:00:00Z"), "laptop")).toBe(true);
  });

  it("treats an unnamed client as another endpoint", () => {
    expect(isSuperseded(item, new Date("2026-11-27T11:00:00Z"), null)).toBe(true);
  });

  it("applies a change made after the last modification", () => {
    expect(isSuperseded(item, new Date("2026-11-27T11:45:00Z"), "laptop")).toBe(false);
  });

  it("always applies an endpoint's own replayed changes", () => {
    expect(isSuperseded(item, new Date("2026-11-27T11:00:00Z"), "phone")).toBe(false);
  });

  it("treats a change by the app server (no endpoint) as another endpoint's", () => {
    const byApp = { lastModified: item.lastModified, lastModifiedEndpoint: null };
    expect(isSuperseded(byApp, new Date("2026-11-27T11:00:00Z"), "phone")).toBe(true);
  });
});
