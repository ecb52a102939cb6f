// The per-push-service state-push rule as the delivery pipeline applies it:
// display pushes go to every allowed endpoint; state pushes only to endpoints
// whose push service accepts pushes that show nothing AND that showed the item.
import { describe, expect, it } from "vitest";
import { chooseTargets, isDisplayable } from "../../server/push/delivery/targets";
import { createPushServiceRules } from "../../server/push/push-services";
import type { PushedNotificationRow, TargetRow } from "../../server/push/delivery/queries";

const rules = createPushServiceRules(["https://127.0.0.1:9443", "https://127.0.0.1:9444=display-only"]);
let n = 0;
function target(endpoint: string, displayed: boolean): TargetRow {
  n++;
  return { id: `e${n}`, push_endpoint: endpoint, p256dh: "k", auth: "a", attempts: 0, settled_since: new Date(0), displayed };
}
const fcm = (d: boolean) => target("https://fcm.googleapis.com/fcm/send/abc", d);
const wns = (d: boolean) => target("https://wns2-par02p.notify.windows.com/w/?token=x", d);
const mozilla = (d: boolean) => target("https://updates.push.services.mozilla.com/wpush/v2/x", d);
const apple = (d: boolean) => target("https://web.push.apple.com/QGx", d);
const extra = (d: boolean) => target("https://127.0.0.1:9443/push/1", d);
const extraDisplayOnly = (d: boolean) => target("https://127.0.0.1:9444/push/1", d);
const evil = () => target("https://attacker.example/collect", true);

describe("chooseTargets", () => {
  it("sends display pushes to every allowed endpoint, whatever its service", () => {
    const all = [fcm(false), wns(false), mozilla(false), apple(false), extra(false), extraDisplayOnly(false)];
    for (const kind of ["created", "updated"] as const) {
      const chosen = chooseTargets(kind, all, rules);
      expect(chosen.send).toEqual(all);
      // Mozilla, Apple and the display-only configured service: reconciled through settledIds.
      expect(chosen.displayOnly).toEqual([all[2], all[3], all[5]]);
    }
  });

  it("sends state pushes only to FCM, WNS and configured services that showed the item", () => {
    const shown = [fcm(true), wns(true), mozilla(true), apple(true), extra(true), extraDisplayOnly(true)];
    for (const kind of ["stateChanged", "deleted"] as const) {
      const chosen = chooseTargets(kind, shown, rules);
      expect(chosen.send.map((t) => t.push_endpoint)).toEqual([shown[0], shown[1], shown[4]].map((t) => t!.push_endpoint));
      expect(chosen.skipped).toHaveLength(3);
    }
  });

  it("never sends a state push to an endpoint that did not show the notification", () => {
    expect(chooseTargets("stateChanged", [fcm(false), extra(false)], rules).send).toEqual([]);
  });

  it("never sends to a push service outside the allowlist", () => {
    expect(chooseTargets("created", [evil()], rules).send).toEqual([]);
  });
});

describe("isDisplayable", () => {
  const now = new Date("2026-11-27T00:00:00Z");
  const row: PushedNotificationRow = {
    id: "x", title: "t", body: null, group_name: null, priority: "High", read_state: "unread", action_state: "noInteraction",
    status: "active", created: now, expiration: new Date(now.getTime() + 60_000), display_until: null, platform_types: ["webPush"],
  };
  it("shows a live, unread item", () => expect(isDisplayable(row, "created", now)).toBe(true));
  it("does not show what was read, dismissed, snoozed, deleted or expired before the push went out", () => {
    expect(isDisplayable({ ...row, read_state: "read" }, "created", now)).toBe(false);
    expect(isDisplayable({ ...row, action_state: "dismissed" }, "updated", now)).toBe(false);
    expect(isDisplayable({ ...row, action_state: "snoozed" }, "created", now)).toBe(false);
    expect(isDisplayable({ ...row, status: "deleted" }, "created", now)).toBe(false);
    expect(isDisplayable({ ...row, expiration: now }, "created", now)).toBe(false);
  });
  it("does not show an item past its displayTimeToLive (a late retry, a snooze ending after it)", () => {
    expect(isDisplayable({ ...row, display_until: now }, "created", now)).toBe(false);
    expect(isDisplayable({ ...row, display_until: new Date(now.getTime() - 1) }, "woke", now)).toBe(false);
    expect(isDisplayable({ ...row, display_until: new Date(now.getTime() + 1000) }, "created", now)).toBe(true);
  });
  it("shows a snoozed item again when its snooze ends, even if it had been read", () => {
    expect(isDisplayable({ ...row, read_state: "read" }, "woke", now)).toBe(true);
  });
});
