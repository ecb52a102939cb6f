// The push payload (contract: "What the service pushes"): exact shape, the
// 3,000-byte ceiling, and the trimming order (body, then settledIds, then
// groupName; never the title, id, states or counts).
import { describe, expect, it } from "vitest";
import { pushKindOf } from "../../server/notifications/events";
import { MAX_PAYLOAD_BYTES, buildPushPayload, type PayloadRow } from "../../server/push/send/payload";

const ROW: PayloadRow = {
  id: "3407d93c-77f7-4bc0-8fbf-46221a7bed72",
  title: "Build failed",
  body: "main is red",
  group_name: "CI",
  priority: "High",
  read_state: "unread",
  action_state: "noInteraction",
  status: "active",
  created: new Date("2026-11-27T01:02:03.000Z"),
  expiration: new Date("2026-12-04T01:02:03.000Z"),
};
const bytes = (s: string) => Buffer.byteLength(s, "utf8");
const ids = (n: number) => Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);

describe("buildPushPayload", () => {
  it("is exactly the contract's JSON, with the action token", () => {
    const built = buildPushPayload({ kind: "created", row: ROW, unreadCount: 3, actionToken: "uat1.a.b" });
    expect(JSON.parse(built.json)).toEqual({
      v: 1,
      kind: "created",
      notification: {
        id: ROW.id,
        title: "Build failed",
        body: "main is red",
        groupName: "CI",
        priority: "High",
        readState: "unread",
        userActionState: "noInteraction",
        status: "active",
        createdDateTime: "2026-11-27T01:02:03.000Z",
        expirationDateTime: "2026-12-04T01:02:03.000Z",
      },
      unreadCount: 3,
      actionToken: "uat1.a.b",
    });
    expect(built.trimmed).toEqual([]);
    expect(built.bytes).toBe(bytes(built.json));
    // The contract's key order, so the wire text reads as the spec does.
    expect(Object.keys(JSON.parse(built.json).notification)).toEqual([
      "id", "title", "body", "groupName", "priority", "readState", "userActionState", "status", "createdDateTime", "expirationDateTime",
    ]);
  });

  it("omits a missing body and title, and keeps groupName null when there is none", () => {
    const built = buildPushPayload({ kind: "deleted", row: { ...ROW, title: null, body: null, group_name: null }, unreadCount: 0 });
    const p = JSON.parse(built.json) as { notification: Record<string, unknown> };
    expect("title" in p.notification).toBe(false);
    expect("body" in p.notification).toBe(false);
    expect(p.notification.groupName).toBeNull();
    expect("actionToken" in p).toBe(false);
  });

  it("cuts a multi-byte body on a code point boundary with an ellipsis, as long as fits", () => {
    const body = "😀".repeat(2048); // surrogate pairs, 4 bytes each
    const built = buildPushPayload({ kind: "created", row: { ...ROW, body }, unreadCount: 1, actionToken: "uat1.x.y" });
    expect(built.bytes).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    expect(built.bytes).toBeGreaterThan(MAX_PAYLOAD_BYTES - 4 - 3); // one more emoji would not fit
    expect(built.trimmed).toEqual(["body"]);
    const cut = (JSON.parse(built.json) as { notification: { body: string; title: string } }).notification;
    expect(cut.body.endsWith("…")).toBe(true);
    expect(cut.body.slice(0, -1)).toBe("😀".repeat((cut.body.length - 1) / 2));
    expect(cut.title).toBe("Build failed");
  });

  it("counts JSON escaping: a body of quotes is cut by its escaped size", () => {
    const built = buildPushPayload({ kind: "created", row: { ...ROW, body: '"'.repeat(2048) }, unreadCount: 1 });
    expect(built.bytes).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    expect(JSON.parse(built.json).notification.body).toMatch(/^"+…$/);
  });

  it("drops settledIds (oldest last in the list go first) only after the body is down to an ellipsis", () => {
    const settled = ids(20);
    const title = "T".repeat(256);
    const built = buildPushPayload(
      { kind: "created", row: { ...ROW, title, body: "b".repeat(2048) }, unreadCount: 1, settledIds: settled },
      1000,
    );
    expect(built.bytes).toBeLessThanOrEqual(1000);
    expect(built.trimmed).toEqual(["body", "settledIds"]);
    const p = JSON.parse(built.json) as { settledIds: string[]; notification: { body: string; title: string } };
    expect(p.notification.body).toBe("…");
    expect(p.notification.title).toBe(title);
    expect(p.settledIds.length).toBeGreaterThan(0);
    expect(p.settledIds).toEqual(settled.slice(0, p.settledIds.length));
  });

  it("drops groupName last, and never the title, id, states or counts", () => {
    const title = "Ü".repeat(256);
    const row = { ...ROW, title, body: "b", group_name: "G".repeat(128) };
    // The smallest it can be: body "…", no group.
    const floor = buildPushPayload({ kind: "created", row: { ...row, body: "…", group_name: null }, unreadCount: 7, actionToken: "uat1.t.t" });
    const built = buildPushPayload({ kind: "created", row, unreadCount: 7, actionToken: "uat1.t.t" }, floor.bytes + 20);
    expect(built.bytes).toBeLessThanOrEqual(floor.bytes + 20);
    expect(built.trimmed).toEqual(["body", "groupName"]);
    const p = JSON.parse(built.json);
    expect(p.notification).toMatchObject({ id: ROW.id, title, readState: "unread", groupName: null });
    expect(p.unreadCount).toBe(7);
  });

  it("sends at most 20 settledIds", () => {
    const built = buildPushPayload({ kind: "created", row: ROW, unreadCount: 1, settledIds: ids(50) });
    expect(JSON.parse(built.json).settledIds).toHaveLength(20);
  });

  it("throws rather than send a payload over budget", () => {
    expect(() => buildPushPayload({ kind: "created", row: { ...ROW, title: "T".repeat(256) }, unreadCount: 1 }, 200)).toThrow(/does not fit/);
  });
});

describe("pushKindOf", () => {
  it("maps events to payload kinds; a snooze ending is an update; expiry is not pushed", () => {
    expect(pushKindOf("created")).toBe("created");
    expect(pushKindOf("updated")).toBe("updated");
    expect(pushKindOf("woke")).toBe("updated");
    expect(pushKindOf("stateChanged")).toBe("stateChanged");
    expect(pushKindOf("deleted")).toBe("deleted");
    expect(pushKindOf("expired")).toBeUndefined();
  });
});
