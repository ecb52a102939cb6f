import { describe, expect, it } from "vitest";
import { GraphError } from "@/server/http/graph-error";
import { parseBody } from "@/server/http/parse-body";
import { PATCH_READ_ONLY, bulkActionSchema, patchNotificationSchema, postNotificationSchema } from "@/server/notifications/schemas";

const valid = { targetHostName: "contoso.com", payload: { visualContent: { title: "Hi" } } };

function rejection(schema: Parameters<typeof parseBody>[0], body: Record<string, unknown>, readOnly: string[] = []): string {
  try {
    parseBody(schema, body, readOnly);
  } catch (err) {
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).status).toBe(400);
    return (err as GraphError).message;
  }
  throw new Error("expected a rejection");
}

describe("POST notification body", () => {
  it("accepts Microsoft's documented raw sample, with displayTimeToLive as a string", () => {
    const body = parseBody(postNotificationSchema, {
      targetHostName: "graphnotifications.sample.windows.com",
      appNotificationId: "sampleRawNotification",
      payload: { rawContent: "Hello World!" },
      targetPolicy: { platformTypes: ["windows", "ios", "android"] },
      priority: "High",
      displayTimeToLive: "60",
    });
    expect(body.displayTimeToLive).toBe(60);
    expect(body.targetPolicy?.platformTypes).toEqual(["windows", "ios", "android"]);
  });

  it("matches priority and platform types case-insensitively and returns canonical case", () => {
    const body = parseBody(postNotificationSchema, { ...valid, priority: "low", targetPolicy: { platformTypes: ["WEBPUSH"] } });
    expect(body.priority).toBe("Low");
    expect(body.targetPolicy?.platformTypes).toEqual(["webPush"]);
  });

  it("ignores OData annotations", () => {
    expect(() => parseBody(postNotificationSchema, { ...valid, "@odata.type": "#microsoft.graph.notification" })).not.toThrow();
  });

  it.each([
    ["missing targetHostName", { payload: valid.payload }, /targetHostName is required/],
    ["empty targetHostName", { ...valid, targetHostName: "  " }, /targetHostName/],
    ["no payload", { targetHostName: "x" }, /payload is required/],
    ["an empty payload", { ...valid, payload: {} }, /payload needs rawContent or visualContent/],
    ["a title-less visualContent", { ...valid, payload: { visualContent: { body: "b" } } }, /payload.visualContent.title is required/],
    ["a title of 257 characters", { ...valid, payload: { visualContent: { title: "x".repeat(257) } } }, /payload.visualContent.title is too long/],
    ["a body of 2,049 characters", { ...valid, payload: { visualContent: { title: "t", body: "x".repeat(2049) } } }, /payload.visualContent.body/],
    ["rawContent of 4,097 characters", { ...valid, payload: { rawContent: "x".repeat(4097) } }, /payload.rawContent/],
    ["a groupName of 129 characters", { ...valid, groupName: "g".repeat(129) }, /groupName/],
    ["an appNotificationId of 129 characters", { ...valid, appNotificationId: "a".repeat(129) }, /appNotificationId/],
    ["a bad priority", { ...valid, priority: "Urgent" }, /priority 'Urgent' is not one of None, High, Low/],
    ["a number as priority", { ...valid, priority: 1 }, /priority must be a string/],
    ["a fractional displayTimeToLive", { ...valid, displayTimeToLive: 1.5 }, /displayTimeToLive/],
    ["a negative displayTimeToLive string", { ...valid, displayTimeToLive: "-5" }, /displayTimeToLive/],
    ["a non-ISO expirationDateTime", { ...valid, expirationDateTime: "next week" }, /expirationDateTime/],
    ["an unknown platform", { ...valid, targetPolicy: { platformTypes: ["symbian"] } }, /targetPolicy.platformTypes.0/],
    ["an empty platform list", { ...valid, targetPolicy: { platformTypes: [] } }, /targetPolicy.platformTypes/],
    ["a fallback delay under 60 s", { ...valid, fallbackPolicy: { fallbackDelayInSeconds: 30 } }, /fallbackPolicy.fallbackDelayInSeconds/],
    ["an unknown property", { ...valid, colour: "red" }, /colour is not a recognized property/],
    ["payload as a string", { ...valid, payload: "hello" }, /payload must be an object/],
  ])("rejects %s, naming the field", (_name, body, message) => {
    expect(rejection(postNotificationSchema, body as Record<string, unknown>)).toMatch(message);
  });
});

describe("PATCH body", () => {
  it("accepts a read-state change", () => {
    expect(parseBody(patchNotificationSchema, { readState: "read" }, PATCH_READ_ONLY)).toEqual({ readState: "read" });
  });

  it("requires snoozedUntilDateTime with snoozed, and only with snoozed", () => {
    expect(rejection(patchNotificationSchema, { userActionState: "snoozed" })).toMatch(/snoozedUntilDateTime/);
    expect(rejection(patchNotificationSchema, { userActionState: "dismissed", snoozedUntilDateTime: "2030-01-01T00:00:00Z" })).toMatch(
      /snoozedUntilDateTime/,
    );
    expect(parseBody(patchNotificationSchema, { userActionState: "snoozed", snoozedUntilDateTime: "2030-01-01T00:00:00Z" })).toMatchObject({
      userActionState: "snoozed",
    });
  });

  it("names read-only properties as read-only", () => {
    expect(rejection(patchNotificationSchema, { readState: "read", priority: "Low" }, PATCH_READ_ONLY)).toBe("priority is read-only");
  });

  it("rejects an empty change", () => {
    expect(rejection(patchNotificationSchema, {})).toMatch(/at least one/);
  });
});

describe("bulk action body", () => {
  it("accepts an empty object, a group (or null) and a before time", () => {
    expect(parseBody(bulkActionSchema, {})).toEqual({});
    expect(parseBody(bulkActionSchema, { groupName: null, before: "2026-11-27T00:00:00Z" })).toEqual({
      groupName: null,
      before: "2026-11-27T00:00:00Z",
    });
  });

  it("rejects a before that is not a date-time", () => {
    expect(rejection(bulkActionSchema, { before: "soon" })).toMatch(/before/);
  });

  it("rejects a before whose UTC year is outside 1-9999 (PostgreSQL cannot hold it)", () => {
    expect(rejection(bulkActionSchema, { before: "9999-12-31T23:59:59-23:59" })).toMatch(/before .*year 1 to 9999/);
    expect(rejection(bulkActionSchema, { before: "0001-01-01T00:00:00+23:59" })).toMatch(/before .*year 1 to 9999/);
    expect(parseBody(bulkActionSchema, { before: "9999-12-31T23:59:59Z" }).before).toBe("9999-12-31T23:59:59Z");
  });
});
