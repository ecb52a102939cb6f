// The service worker's decisions (sw/push-decisions.ts): what each push shows,
// closes and posts; Apple's display-only push services; what each action sends.
import { describe, expect, it } from "vitest";
import { aPushView } from "@/testing/builders";
import type { PushKind, PushNotificationView, PushPayload } from "@/contracts/push-payload";
import { mustShowEveryPush } from "@/contracts/push-services";
import {
  BADGE_URL,
  GENERIC_TAG,
  actionOutcome,
  badgeAfterAction,
  badgeValue,
  clickAction,
  openUrl,
  parsePushPayload,
  patchBody,
  planPush,
  readShownData,
  resolveApiBase,
} from "@/sw/push-decisions";

const ID = "3407d93c-77f7-4bc0-8fbf-46221a7bed72";

function item(over: Partial<PushNotificationView> = {}): PushNotificationView {
  return aPushView(ID, over);
}

function push(kind: PushKind, over: Partial<PushNotificationView> = {}, extra: Partial<PushPayload> = {}): PushPayload {
  return { v: 1, kind, notification: item(over), unreadCount: 3, actionToken: "tok", ...extra };
}

const elsewhere = { displayOnly: false, focusedWindow: false };
const focusedTab = { displayOnly: false, focusedWindow: true };
const apple = { displayOnly: true, focusedWindow: true };

describe("planPush", () => {
  it("shows a created unread notification with tag = id, title, body, icons, timestamp, both actions and the token", () => {
    const plan = planPush(push("created"), elsewhere);
    expect(plan.show).toEqual({
      title: "Build 1432 failed",
      options: {
        body: "main: 3 tests failed",
        icon: "/icons/icon-192.png",
        badge: BADGE_URL,
        tag: ID,
        timestamp: Date.parse("2026-11-27T01:02:03.000Z"),
        renotify: false,
        data: { id: ID, actionToken: "tok" },
        actions: [
          { action: "mark-read", title: "Mark as read" },
          { action: "dismiss", title: "Dismiss" },
        ],
      },
    });
    expect(plan.toast).toBe(false);
    expect(plan.close).toEqual([]);
    expect(plan.badge).toBe(3);
  });

  it("renotifies on an update (same tag, alert again)", () => {
    expect(planPush(push("updated"), elsewhere).show?.options.renotify).toBe(true);
  });

  it("posts a toast instead of an OS notification when a tab is visible and focused", () => {
    const plan = planPush(push("created"), focusedTab);
    expect(plan.show).toBeUndefined();
    expect(plan.toast).toBe(true);
  });

  it("always shows on a display-only (Apple) push service, even with a focused tab", () => {
    const plan = planPush(push("created"), apple);
    expect(plan.show?.options.tag).toBe(ID);
    expect(plan.toast).toBe(false);
  });

  it.each([
    ["read", { readState: "read" as const }],
    ["dismissed", { userActionState: "dismissed" as const }],
    ["activated", { userActionState: "activated" as const }],
    ["snoozed", { userActionState: "snoozed" as const }],
    ["deleted", { status: "deleted" as const }],
  ])("closes the tag and shows nothing on stateChanged to %s", (_name, over) => {
    const plan = planPush(push("stateChanged", over), elsewhere);
    expect(plan.close).toEqual([ID]);
    expect(plan.show).toBeUndefined();
    expect(plan.toast).toBe(false);
  });

  it("closes the tag on deleted", () => {
    expect(planPush(push("deleted", { status: "deleted" }), elsewhere).close).toEqual([ID]);
  });

  it("leaves a notification alone on a stateChanged that keeps it unread and untouched (a snooze ended)", () => {
    const plan = planPush(push("stateChanged"), elsewhere);
    expect(plan.close).toEqual([]);
    expect(plan.show).toBeUndefined();
  });

  it("closes an updated item that is no longer unread instead of showing it", () => {
    const plan = planPush(push("updated", { readState: "read" }), elsewhere);
    expect(plan.show).toBeUndefined();
    expect(plan.close).toEqual([ID]);
  });

  it.each([
    ["an updated item already read", push("updated", { readState: "read" }, { unreadCount: 2 }), "You have 2 unread notifications."],
    ["a state push that slipped through", push("stateChanged", { userActionState: "dismissed" }, { unreadCount: 1 }), "You have 1 unread notification."],
    ["a delete", push("deleted", { status: "deleted" }, { unreadCount: 0 }), "You're all caught up."],
    ["a stateChanged of an item still unread", push("stateChanged"), "You have 3 unread notifications."],
  ])("never ends a display-only push without a notification: %s shows the inbox's count", (_name, payload, body) => {
    const plan = planPush(payload, apple);
    expect(plan.show?.options.tag).toBe(GENERIC_TAG);
    expect(plan.show?.options.body).toBe(body);
    expect(plan.show?.options.actions).toEqual([]);
    expect(plan.toast).toBe(false);
    if (payload.notification.readState === "read" || payload.notification.status === "deleted") expect(plan.close).toEqual([ID]);
  });

  it("closes the generic notification once a display-only push shows a real one", () => {
    expect(planPush(push("created"), apple).close).toEqual([GENERIC_TAG]);
    expect(planPush(push("created"), elsewhere).close).toEqual([]);
  });

  it("shows nothing for a settled item where the push service accepts silent pushes", () => {
    expect(planPush(push("updated", { readState: "read" }), focusedTab).show).toBeUndefined();
  });

  it("closes every settled id, but never the one it is showing", () => {
    const plan = planPush(push("created", {}, { settledIds: ["a", "b", ID] }), apple);
    expect(plan.close.sort()).toEqual(["a", "b", GENERIC_TAG]);
    expect(plan.show?.options.tag).toBe(ID);
  });

  it("sets the badge to the payload's unread count, clearing it at 0", () => {
    expect(planPush(push("stateChanged", { readState: "read" }, { unreadCount: 0 }), elsewhere).badge).toBe(0);
    expect(planPush(push("created", {}, { unreadCount: 17 }), elsewhere).badge).toBe(17);
  });

  it("falls back to a readable title and keeps data without a token when none was sent", () => {
    const plan = planPush(push("created", { title: "  " }, { actionToken: undefined }), elsewhere);
    expect(plan.show?.title).toBe("New notification");
    expect(plan.show?.options.data).toEqual({ id: ID });
  });
});

describe("mustShowEveryPush (Apple's push services)", () => {
  it.each([
    ["https://web.push.apple.com/QGx...", true],
    ["https://api.push.apple.com/3/device/x", true],
    ["https://WEB.PUSH.APPLE.COM/x", true],
    ["https://fcm.googleapis.com/fcm/send/x", false],
    ["https://updates.push.services.mozilla.com/wpush/v2/x", false],
    ["https://push.apple.com.evil.example/x", false],
    ["https://notpush.apple.com/x", false],
    ["not a url", false],
    [null, false],
    [undefined, false],
  ])("%s → %s", (endpoint, expected) => {
    expect(mustShowEveryPush(endpoint)).toBe(expected);
  });
});

describe("parsePushPayload", () => {
  it("accepts the contract's payload", () => {
    const p = push("created", {}, { settledIds: ["x"] });
    expect(parsePushPayload(JSON.stringify(p))).toEqual(p);
  });

  it.each([
    ["empty", ""],
    ["not JSON", "Hello World!"],
    ["an array", "[]"],
    ["another version", JSON.stringify({ ...push("created"), v: 2 })],
    ["an unknown kind", JSON.stringify({ ...push("created"), kind: "poked" })],
    ["no notification id", JSON.stringify({ ...push("created"), notification: { ...item(), id: "" } })],
    ["a bad readState", JSON.stringify(push("created", { readState: "Read" as never }))],
    ["a negative unreadCount", JSON.stringify({ ...push("created"), unreadCount: -1 })],
    ["non-string settledIds", JSON.stringify({ ...push("created"), settledIds: [1] })],
  ])("rejects %s", (_name, text) => {
    expect(parsePushPayload(text)).toBeUndefined();
  });
});

describe("notification actions", () => {
  it("maps the buttons and the body click", () => {
    expect(clickAction("mark-read")).toBe("mark-read");
    expect(clickAction("dismiss")).toBe("dismiss");
    expect(clickAction("")).toBe("activate");
    expect(clickAction("something-else")).toBeUndefined();
  });

  it("sends the PATCH body of each action", () => {
    expect(patchBody("mark-read")).toEqual({ readState: "read" });
    expect(patchBody("dismiss")).toEqual({ userActionState: "dismissed" });
    expect(patchBody("close")).toEqual({ userActionState: "dismissed" });
    expect(patchBody("activate")).toEqual({ userActionState: "activated", readState: "read" });
  });

  it("lowers the badge by one only when the action reads the notification", () => {
    expect(badgeAfterAction(3, "mark-read")).toBe(2);
    expect(badgeAfterAction(3, "activate")).toBe(2);
    expect(badgeAfterAction(3, "dismiss")).toBe(3);
    expect(badgeAfterAction(0, "mark-read")).toBe(0);
    expect(badgeValue(Number.NaN)).toBe(0);
  });

  it("drops refused actions, retries transient failures", () => {
    expect(actionOutcome(200)).toBe("done");
    for (const s of [400, 401, 403, 404, 412]) expect(actionOutcome(s)).toBe("drop");
    for (const s of [408, 429, 500, 503]) expect(actionOutcome(s)).toBe("retry");
  });

  it("reads back only well-formed notification data", () => {
    expect(readShownData({ id: ID, actionToken: "t" })).toEqual({ id: ID, actionToken: "t" });
    expect(readShownData({ id: ID, actionToken: 5 })).toEqual({ id: ID });
    expect(readShownData({ id: "" })).toBeUndefined();
    expect(readShownData(null)).toBeUndefined();
  });

  it("opens the inbox on the item and resolves the API base against the worker's origin", () => {
    expect(openUrl("http://localhost:3000", "a b")).toBe("http://localhost:3000/?open=a+b");
    expect(resolveApiBase("/graph/beta/", "http://localhost:3000")).toBe("http://localhost:3000/graph/beta");
    expect(resolveApiBase("https://api.example.com/graph/beta", "http://localhost:3000")).toBe("https://api.example.com/graph/beta");
  });
});
