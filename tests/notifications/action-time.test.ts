import { describe, expect, it } from "vitest";
import { ACTION_TIME_SKEW_MS, isSuperseded, parseActionTime, supersededFields } from "@/server/notifications/action-time";
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

  it("takes a time up to 5 minutes ahead (a device clock running fast) as now, and refuses one further ahead", () => {
    const slightly = new Date(now.getTime() + ACTION_TIME_SKEW_MS - 1).toISOString();
    const clearly = new Date(now.getTime() + ACTION_TIME_SKEW_MS + 1000).toISOString();
    expect(ACTION_TIME_SKEW_MS).toBe(5 * 60_000);
    expect(parseActionTime(slightly, now, iso)).toEqual({ ok: true, at: now });
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

describe("the rule, field by field", () => {
  const item = {
    lastModified: new Date("2026-11-27T11:30:00Z"),
    lastModifiedEndpoint: "phone",
    // Read on the laptop at 11:00; dismissed on the phone at 11:30.
    readStateAt: new Date("2026-11-27T11:00:00Z"),
    readStateEndpoint: "laptop",
    actionStateAt: new Date("2026-11-27T11:30:00Z"),
    actionStateEndpoint: "phone",
  };

  it("keeps only the fields changed later elsewhere", () => {
    const at = new Date("2026-11-27T11:15:00Z");
    expect(supersededFields(item, ["readState", "userActionState"], at, "tablet")).toEqual(["userActionState"]);
    expect(supersededFields(item, ["readState"], at, "tablet")).toEqual([]);
  });

  it("falls back to the item's last change for a field with no time of its own", () => {
    const old = { ...item, readStateAt: null, readStateEndpoint: null };
    expect(supersededFields(old, ["readState"], new Date("2026-11-27T11:15:00Z"), "tablet")).toEqual(["readState"]);
    expect(supersededFields(old, ["readState"], new Date("2026-11-27T11:15:00Z"), "phone")).toEqual([]);
  });

  it("never supersedes a change without an action time, or one of the same endpoint's", () => {
    expect(supersededFields(item, ["readState", "userActionState"], undefined, "tablet")).toEqual([]);
    expect(supersededFields(item, ["userActionState"], new Date("2026-11-27T11:15:00Z"), "phone")).toEqual([]);
  });
});
