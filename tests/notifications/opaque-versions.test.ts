// ETags, delta tokens and skiptokens reveal nothing beyond the caller's own
// data (contract: "The notification resource", "The live stream"): the change
// counter behind them is shared by every user and tenant, so none may carry it.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startStack, type Stack } from "../../testing/stack";
import { users } from "../../testing/users";
import { call, createForMe, expectGraphError, visualNotification, type Notification } from "../helpers/graph";

let stack: Stack;
let adele: string;
let bruno: string;

beforeAll(async () => {
  stack = await startStack();
  [adele, bruno] = await Promise.all([stack.tokenFor(users.adele.upn), stack.tokenFor(users.bruno.upn)]);
});

afterAll(async () => {
  await stack?.close();
});

async function changeSeqOf(id: string): Promise<string> {
  return (await stack.db.query<{ s: string }>("SELECT change_seq::text AS s FROM notifications WHERE id = $1", [id])).rows[0]!.s;
}

it("an ETag is opaque, changes with the item, and If-Match still guards it", async () => {
  const n = await createForMe(stack, adele, visualNotification("versioned"));
  const first = await call<Notification>(stack, `/me/notifications/${n.id}`, { token: adele });
  const etag = first.headers.get("etag")!;
  expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]{22}"$/);
  // Not the change number (which the old ETag was, W/"<seq>"); 22 base64url characters of a keyed hash.
  expect(etag).not.toBe(`W/"${await changeSeqOf(n.id)}"`);
  expect(first.body["@odata.etag"]).toBe(etag);

  // Another tenant's writes move nothing a user can see in their own ETag.
  for (let i = 0; i < 3; i++) await createForMe(stack, bruno, visualNotification(`fabrikam ${i}`));
  expect((await call(stack, `/me/notifications/${n.id}`, { token: adele })).headers.get("etag")).toBe(etag);

  const patched = await call<Notification>(stack, `/me/notifications/${n.id}`, { method: "PATCH", token: adele, json: { readState: "read" }, headers: { "If-Match": etag } });
  expect(patched.status, patched.text).toBe(200);
  expect(patched.body["@odata.etag"]).not.toBe(etag);
  expectGraphError(
    await call(stack, `/me/notifications/${n.id}`, { method: "PATCH", token: adele, json: { readState: "unread" }, headers: { "If-Match": etag } }),
    412,
    "resourceModified",
  );
  const fresh = await call(stack, `/me/notifications/${n.id}`, { method: "PATCH", token: adele, json: { readState: "unread" }, headers: { "If-Match": patched.body["@odata.etag"] } });
  expect(fresh.status, fresh.text).toBe(200);
});

it("delta and skip tokens carry no sequence number", async () => {
  const n = await createForMe(stack, adele, visualNotification("delta'd"));
  const seq = await changeSeqOf(n.id);
  const delta = await call<{ "@odata.deltaLink"?: string; "@odata.nextLink"?: string }>(stack, "/me/notifications/delta", { token: adele });
  const link = delta.body["@odata.deltaLink"] ?? delta.body["@odata.nextLink"]!;
  const token = new URL(link).searchParams.get("$deltatoken") ?? new URL(link).searchParams.get("$skiptoken")!;
  // The old token was readable base64 JSON carrying the change number: {"s":"<seq>",…}.
  const opened = Buffer.from(token, "base64url").toString("latin1");
  expect(opened).not.toContain(`"s":"${seq}"`);
  expect(() => JSON.parse(opened)).toThrow();
});
