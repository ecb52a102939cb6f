// TTL, Urgency and Topic of a push (contract: "What the service pushes"; RFC 8030 §5).
import { describe, expect, it } from "vitest";
import { pushHeadersFor, topicOf } from "../../server/push/send/headers";
import { retryDelayMs } from "../../server/push/delivery/retry";

const NOW = new Date("2026-11-27T00:00:00.000Z");
const ID = "3407d93c-77f7-4bc0-8fbf-46221a7bed72";
const base = { notificationId: ID, now: NOW, displayUntil: null, expiration: new Date(NOW.getTime() + 7 * 86400_000) };

describe("pushHeadersFor", () => {
  it("sets TTL to the seconds until expiration", () => {
    expect(pushHeadersFor({ ...base, kind: "created", priority: "High" }).ttl).toBe(7 * 86400);
  });

  it("caps TTL by the remaining displayTimeToLive", () => {
    const h = pushHeadersFor({ ...base, kind: "created", priority: "High", displayUntil: new Date(NOW.getTime() + 59_500) });
    expect(h.ttl).toBe(59);
  });

  it("never sends a negative TTL", () => {
    const h = pushHeadersFor({ ...base, kind: "updated", priority: "None", displayUntil: new Date(NOW.getTime() - 5000) });
    expect(h.ttl).toBe(0);
  });

  it("uses Urgency high for High priority and normal for None and Low", () => {
    expect(pushHeadersFor({ ...base, kind: "created", priority: "High" }).urgency).toBe("high");
    expect(pushHeadersFor({ ...base, kind: "created", priority: "None" }).urgency).toBe("normal");
    expect(pushHeadersFor({ ...base, kind: "created", priority: "Low" }).urgency).toBe("normal");
  });

  it("sets a Topic on state pushes only, the id without hyphens (32 base64url characters)", () => {
    expect(pushHeadersFor({ ...base, kind: "created", priority: "High" }).topic).toBeUndefined();
    expect(pushHeadersFor({ ...base, kind: "updated", priority: "High" }).topic).toBeUndefined();
    const state = pushHeadersFor({ ...base, kind: "stateChanged", priority: "High" });
    const deleted = pushHeadersFor({ ...base, kind: "deleted", priority: "High" });
    expect(state.topic).toBe("3407d93c77f74bc08fbf46221a7bed72");
    expect(deleted.topic).toBe(state.topic);
    expect(topicOf(ID)).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});

describe("retryDelayMs", () => {
  it("backs off exponentially with jitter between half and all of base·2^(n-1)", () => {
    expect(retryDelayMs(1, undefined, NOW, 1000, 600_000, () => 0)).toBe(500);
    expect(retryDelayMs(1, undefined, NOW, 1000, 600_000, () => 1)).toBe(1000);
    expect(retryDelayMs(3, undefined, NOW, 1000, 600_000, () => 1)).toBe(4000);
  });

  it("is never earlier than Retry-After in seconds or as an HTTP-date", () => {
    expect(retryDelayMs(1, "30", NOW, 1000, 600_000, () => 0)).toBe(30_000);
    const date = new Date(NOW.getTime() + 45_000).toUTCString();
    expect(retryDelayMs(1, date, NOW, 1000, 600_000, () => 0)).toBe(45_000);
    expect(retryDelayMs(5, "1", NOW, 1000, 600_000, () => 1)).toBe(16_000);
  });

  it("ignores a Retry-After it cannot read and caps the delay", () => {
    expect(retryDelayMs(1, "soon", NOW, 1000, 600_000, () => 1)).toBe(1000);
    expect(retryDelayMs(1, "86400", NOW, 1000, 600_000, () => 1)).toBe(600_000);
  });
});
