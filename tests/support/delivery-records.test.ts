// The delivery record's rules for endpoints with no step of their own
// (server/support/deliveries.ts): why nothing happened there, in order.
import { describe, expect, it } from "vitest";
import { buildDeliveryRecords, type DeliveryInput } from "../../server/support/deliveries";
import type { KnownEndpointRow, StepRow } from "../../server/support/queries";

const T0 = new Date("2026-11-03T10:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function endpoint(over: Partial<KnownEndpointRow> = {}): KnownEndpointRow {
  return {
    id: "00000000-0000-4000-8000-000000000001",
    platform: "webPush",
    device_name: "Chrome on Windows",
    push_service_host: "fcm.googleapis.com",
    push_endpoint: "https://fcm.googleapis.com/fcm/send/abc",
    created: at(-60),
    expiration: at(60 * 24 * 30),
    push_expiration: null,
    removed_at: null,
    removed_reason: null,
    ...over,
  };
}

function step(over: Partial<StepRow>): StepRow {
  return { endpoint_id: null, push_kind: "created", step: "skipped", at: T0, status_code: null, attempts: 0, reason: null, next_at: null, how: null, ...over };
}

function input(over: Partial<DeliveryInput>): DeliveryInput {
  return { created: T0, displayEvents: [{ kind: "created", at: T0, endpoint_id: null }], steps: [], endpoints: [endpoint()], allowed: () => true, ...over };
}

const only = (i: DeliveryInput) => {
  const records = buildDeliveryRecords(i);
  expect(records).toHaveLength(1);
  return records[0]!;
};

describe("an endpoint with no step of its own", () => {
  it("is queued while the push is owed and unanswered", () => {
    expect(only(input({}))).toMatchObject({ outcome: "queued", steps: [{ step: "queued", pushKind: "created", dateTime: T0.toISOString() }] });
  });

  it("had no push subscription (platform web)", () => {
    expect(only(input({ endpoints: [endpoint({ platform: "web", push_endpoint: null })] })).steps[0]).toMatchObject({ reason: "noPushSubscription" });
  });

  it("was registered after the last display push", () => {
    expect(only(input({ endpoints: [endpoint({ created: at(5) })] })).steps[0]).toMatchObject({ reason: "registeredLater", dateTime: at(5).toISOString() });
  });

  it("takes the reason of a push owed to nobody (target policy, display window, settled first)", () => {
    for (const reason of ["targetPolicy", "displayWindowOver", "settledBeforeSent"]) {
      expect(only(input({ steps: [step({ reason, at: at(1) })] })).steps[0]).toMatchObject({ step: "skipped", reason, dateTime: at(1).toISOString() });
    }
  });

  it("had an expired subscription, dated by the browser's own expiry when it gave one", () => {
    const expired = endpoint({ expiration: at(-30), push_expiration: at(-30) });
    expect(only(input({ endpoints: [expired] })).steps[0]).toMatchObject({ reason: "subscriptionExpired", dateTime: at(-30).toISOString() });
  });

  it("is on a push service no longer allowed", () => {
    expect(only(input({ allowed: () => false })).steps[0]).toMatchObject({ reason: "pushServiceNotAllowed" });
  });

  it("made the change itself", () => {
    const e = endpoint();
    expect(only(input({ endpoints: [e], displayEvents: [{ kind: "created", at: T0, endpoint_id: e.id }] })).steps[0]).toMatchObject({ reason: "actingEndpoint" });
  });
});

describe("records", () => {
  it("order an endpoint's steps by time, receipts after the send within the same instant", () => {
    const e = endpoint();
    const r = only(
      input({
        steps: [
          step({ endpoint_id: e.id, step: "shown", how: "system", push_kind: null }),
          step({ endpoint_id: e.id, step: "received", push_kind: null }),
          step({ endpoint_id: e.id, step: "sent", status_code: 201, attempts: 1 }),
        ],
      }),
    );
    expect(r.steps.map((s) => s.step)).toEqual(["sent", "received", "shown"]);
    expect(r.outcome).toBe("shown");
  });

  it("add a later push owed to nobody to the lanes it would have reached (a snooze ending after the display window)", () => {
    const e = endpoint();
    const r = only(
      input({
        steps: [
          step({ endpoint_id: e.id, step: "sent", status_code: 201, attempts: 1 }),
          step({ endpoint_id: null, step: "skipped", reason: "displayWindowOver", push_kind: "updated", at: at(30) }),
        ],
      }),
    );
    expect(r.steps.map((s) => [s.step, s.reason])).toEqual([["sent", null], ["skipped", "displayWindowOver"]]);
    expect(r.outcome).toBe("skipped");
  });

  it("keep removed endpoints that were sent to, after the live ones, and leave out removed ones never meant", () => {
    const live = endpoint({ id: "00000000-0000-4000-8000-00000000000a", device_name: "Zed" });
    const gone = endpoint({ id: "00000000-0000-4000-8000-00000000000b", device_name: "Alpha", removed_at: at(1), removed_reason: "gone", push_endpoint: null });
    const never = endpoint({ id: "00000000-0000-4000-8000-00000000000c", removed_at: at(-1), removed_reason: "removed", push_endpoint: null });
    const records = buildDeliveryRecords(
      input({ endpoints: [live, gone, never], steps: [step({ endpoint_id: gone.id, step: "subscriptionRemoved", status_code: 410 })] }),
    );
    expect(records.map((r) => [r.endpoint.deviceName, r.endpoint.removed, r.outcome])).toEqual([
      ["Zed", false, "queued"],
      ["Alpha", true, "subscriptionRemoved"],
    ]);
    expect(records[1]!.endpoint).toMatchObject({ removedReason: "gone", removedDateTime: at(1).toISOString() });
  });
});
