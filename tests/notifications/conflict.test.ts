// The conflict rule for offline replays over HTTP (contract: "Changing state"):
// decided field by field, answered with X-Superseded-Fields, nothing lost silently.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startStack, type Stack } from "../../testing/stack";
import { users } from "../../testing/users";
import { call, createForMe, getOne, sleep, visualNotification, type Notification } from "../helpers/graph";

let stack: Stack;
let adele: string;

beforeAll(async () => {
  stack = await startStack();
  adele = await stack.tokenFor(users.adele.upn);
});

afterAll(async () => {
  await stack?.close();
});

const patch = (id: string, body: unknown, headers: Record<string, string>) =>
  call<Notification>(stack, `/me/notifications/${id}`, { method: "PATCH", token: adele, json: body, headers });

it("a change made offline keeps a later dismissal from another device, and still applies its other field", async () => {
  const n = await createForMe(stack, adele, visualNotification("offline replay"));
  const madeOffline = new Date().toISOString();
  await sleep(20);
  const dismissed = await patch(n.id, { userActionState: "dismissed" }, { "X-Endpoint-Id": "phone" });
  expect(dismissed.status).toBe(200);
  expect(dismissed.headers.get("x-superseded-fields")).toBeNull();

  // The laptop comes back online with what it did before the dismissal: read it and reset its action.
  const replay = await patch(n.id, { readState: "read", userActionState: "noInteraction" }, { "X-Endpoint-Id": "laptop", "X-Action-Time": madeOffline });
  expect(replay.status, replay.text).toBe(200);
  expect(replay.headers.get("x-superseded-fields")).toBe("userActionState");
  expect(replay.body).toMatchObject({ readState: "read", userActionState: "dismissed" });
  expect(await getOne(stack, adele, n.id)).toMatchObject({ readState: "read", userActionState: "dismissed" });
  // The event log says what was kept.
  const { rows } = await stack.db.query<{ detail: Record<string, unknown> }>(
    "SELECT detail FROM notification_events WHERE notification_id = $1 AND kind = 'stateChanged' ORDER BY seq DESC LIMIT 1",
    [n.id],
  );
  expect(rows[0]!.detail).toMatchObject({ readState: "read", supersededFields: ["userActionState"] });
});

it("answers a wholly superseded change with the current item and every field named, changing nothing", async () => {
  const n = await createForMe(stack, adele, visualNotification("all superseded"));
  const madeOffline = new Date().toISOString();
  await sleep(20);
  const read = await patch(n.id, { readState: "read" }, { "X-Endpoint-Id": "phone" });
  const replay = await patch(n.id, { readState: "unread" }, { "X-Endpoint-Id": "laptop", "X-Action-Time": madeOffline });
  expect(replay.status).toBe(200);
  expect(replay.headers.get("x-superseded-fields")).toBe("readState");
  expect(replay.body["@odata.etag"]).toBe(read.body["@odata.etag"]);
});

it("takes an action time a little ahead (a fast device clock) as now", async () => {
  const n = await createForMe(stack, adele, visualNotification("fast clock"));
  const ahead = new Date(Date.now() + 2 * 60_000).toISOString();
  const res = await patch(n.id, { readState: "read" }, { "X-Action-Time": ahead });
  expect(res.status, res.text).toBe(200);
  expect(res.body.readState).toBe("read");
});
