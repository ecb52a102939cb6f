// The demo gives support staff something real to investigate in Megan's inbox
// (server/demo-seed.ts): read through the support API as Sam would.
import { afterAll, beforeAll, expect, it } from "vitest";
import { SUPPORT_REASON_HEADER, type DeliveryRecord, type NotificationEventEntry, type UserSummary } from "../../contracts/support";
import type { Endpoint } from "../../contracts/endpoint";
import type { Notification } from "../../contracts/notification";
import { startStack, type Stack } from "../../testing/stack";
import { users } from "../../testing/users";
import { call } from "../helpers/graph";

const { megan: MEGAN, sam: SAM } = users;
let stack: Stack;
let sam: string;

beforeAll(async () => {
  stack = await startStack({ seedDemo: true });
  sam = await stack.tokenFor(SAM.upn);
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

async function read<T>(path: string): Promise<T> {
  const res = await call<T>(stack, path, { token: sam, headers: { [SUPPORT_REASON_HEADER]: "demo" } });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

async function deliveriesOf(title: string): Promise<Record<string, DeliveryRecord>> {
  const list = await read<{ value: Notification[] }>(`/users/${MEGAN.oid}/notifications?$search="${title}"`);
  const n = list.value.find((x) => x.payload.visualContent?.title === title)!;
  expect(n, title).toBeDefined();
  const records = await read<{ value: DeliveryRecord[] }>(`/users/${MEGAN.oid}/notifications/${n.id}/deliveries`);
  return Object.fromEntries(records.value.map((r) => [r.endpoint.deviceName!, r]));
}

const steps = (r: DeliveryRecord | undefined) => r?.steps.map((s) => s.step + (s.how ? `:${s.how}` : "") + (s.reason ? `:${s.reason}` : ""));

it("Megan has two devices and a summary", async () => {
  const summary = await read<UserSummary>(`/users/${MEGAN.upn}`);
  expect(summary).toMatchObject({ displayName: MEGAN.name, activeEndpoints: 2, lastDelivery: { result: "sent" } });
  const devices = await read<{ value: Endpoint[] }>(`/users/${MEGAN.oid}/notifications/subscriptions`);
  expect(devices.value.map((d) => d.deviceName).sort()).toEqual(["Chrome on Windows", "Megan's Pixel (Chrome on Android)"]);
});

it("shown on both and dismissed on the phone; the laptop's copy closed by a state push", async () => {
  const r = await deliveriesOf("Deployment to production paused");
  expect(steps(r["Megan's Pixel (Chrome on Android)"])).toEqual(["sent", "received", "shown:system"]);
  expect(steps(r["Chrome on Windows"])).toEqual(["sent", "received", "shown:system", "sent"]);
  const list = await read<{ value: Notification[] }>(`/users/${MEGAN.oid}/notifications?$search="Deployment to production paused"`);
  const events = await read<{ value: NotificationEventEntry[] }>(`/users/${MEGAN.oid}/notifications/events?$filter=notificationId eq '${list.value[0]!.id}'`);
  expect(events.value.find((e) => e.kind === "stateChanged")).toMatchObject({
    change: { userActionState: "dismissed" },
    endpoint: { deviceName: "Megan's Pixel (Chrome on Android)" },
  });
});

it("retried, then delivered", async () => {
  const r = await deliveriesOf("Expense report awaits your approval");
  expect(steps(r["Chrome on Windows"])).toEqual(["retrying", "sent", "received", "shown:system"]);
});

it("the old laptop's subscription removed by its push service (410)", async () => {
  const r = await deliveriesOf("Your password expires in 5 days");
  expect(r["Firefox on Windows"]).toMatchObject({ outcome: "subscriptionRemoved", endpoint: { removed: true, removedReason: "gone" } });
});

it("woke after its display window: not shown again", async () => {
  const r = await deliveriesOf("Design review in 15 minutes");
  expect(steps(r["Chrome on Windows"])).toEqual(["sent", "received", "shown:system", "skipped:displayWindowOver"]);
  expect(steps(r["Megan's Pixel (Chrome on Android)"])).toEqual(["sent", "received", "shown:suppressed", "skipped:displayWindowOver"]);
});
