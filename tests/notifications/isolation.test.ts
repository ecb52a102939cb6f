// Ownership and tenant isolation (contract: Identity and authorization — "an object that exists
// but belongs to another user is answered exactly like one that does not exist", "nothing crosses tid").
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TENANT_A, TENANT_B } from "../../contracts/demo-users";
import { users } from "../../testing/users";
import { startStack, type Stack } from "../../testing/stack";
import {
  allPages,
  call,
  countOf,
  createForMe,
  getOne,
  listIds,
  visualNotification,
  type CallResult,
  type GraphError,
  type Notification,
} from "../helpers/graph";

const { adele: ADELE, megan: MEGAN, bruno: BRUNO } = users;

let stack: Stack;
let adele: string;
let megan: string;
let bruno: string;
let app: string;
/** Megan's item, which Adele (same tenant) will try to reach. */
let megansItem: Notification;
/** Adele's item, which Bruno (tenant B) will try to reach. */
let adelesItem: Notification;

beforeAll(async () => {
  expect(ADELE.tenantId).toBe(TENANT_A);
  expect(MEGAN.tenantId).toBe(TENANT_A);
  expect(BRUNO.tenantId).toBe(TENANT_B);
  stack = await startStack();
  [adele, megan, bruno, app] = await Promise.all([
    stack.tokenFor(ADELE.upn),
    stack.tokenFor(MEGAN.upn),
    stack.tokenFor(BRUNO.upn),
    stack.appTokenFor(),
  ]);
  megansItem = await createForMe(stack, megan, visualNotification("Megan's secret", { groupName: "Private" }));
  adelesItem = await createForMe(stack, adele, visualNotification("Adele's secret", { groupName: "Private" }));
  // Bruno signs in, so tenant B knows him.
  expect((await call(stack, "/me/notifications", { token: bruno })).status).toBe(200);
});

afterAll(async () => {
  await stack?.close();
});

/** The error a caller gets for an id that exists nowhere, with that id masked, to compare answers. */
function masked(res: CallResult, id: string): { status: number; code: string; message: string } {
  const error = (res.body as GraphError).error;
  return { status: res.status, code: error?.code, message: error?.message.split(id).join("<id>") };
}

async function expectAnsweredAsMissing(token: string, id: string, method: string, json?: unknown, headers?: Record<string, string>) {
  const theirs = await call(stack, `/me/notifications/${id}`, { method, token, json, headers });
  const missingId = randomUUID();
  const nowhere = await call(stack, `/me/notifications/${missingId}`, { method, token, json, headers });
  expect(theirs.status, theirs.text).toBe(404);
  expect(theirs.body).toMatchObject({ error: { code: "itemNotFound" } });
  expect(masked(theirs, id)).toEqual(masked(nowhere, missingId));
}

describe("another user's notification in the same tenant", () => {
  it("answers GET with 404 itemNotFound, exactly as for an id that does not exist", async () => {
    await expectAnsweredAsMissing(adele, megansItem.id, "GET");
  });

  it("answers PATCH with 404 itemNotFound and leaves the owner's item unchanged", async () => {
    await expectAnsweredAsMissing(adele, megansItem.id, "PATCH", { readState: "read", userActionState: "dismissed" });
    const after = await getOne(stack, megan, megansItem.id);
    expect(after["@odata.etag"]).toBe(megansItem["@odata.etag"]);
    expect(after).toMatchObject({ readState: "unread", userActionState: "noInteraction", status: "active" });
  });

  it("answers PATCH with the owner's current etag in If-Match with 404, not 412", async () => {
    await expectAnsweredAsMissing(adele, megansItem.id, "PATCH", { readState: "read" }, { "if-match": megansItem["@odata.etag"] });
    expect((await getOne(stack, megan, megansItem.id))["@odata.etag"]).toBe(megansItem["@odata.etag"]);
  });

  it("answers DELETE with 404 itemNotFound and the owner still has the item", async () => {
    await expectAnsweredAsMissing(adele, megansItem.id, "DELETE");
    const after = await getOne(stack, megan, megansItem.id);
    expect(after["@odata.etag"]).toBe(megansItem["@odata.etag"]);
    expect(after.status).toBe("active");
    expect(await listIds(stack, megan)).toContain(megansItem.id);
  });

  it("never lists, counts or searches the other user's items", async () => {
    expect(await listIds(stack, adele, "?$top=200")).not.toContain(megansItem.id);
    const deleted = await listIds(stack, adele, `?$filter=${encodeURIComponent("status eq 'deleted'")}`);
    expect(deleted).not.toContain(megansItem.id);
    expect(await countOf(stack, adele, "groupName eq 'Private'")).toBe(1);
    expect(await listIds(stack, adele, `?$search=${encodeURIComponent('"Megan"')}`)).toEqual([]);
  });

  it("does not let one user's markAllAsRead or dismissAll touch another user's items", async () => {
    await call(stack, "/me/notifications/markAllAsRead", { method: "POST", token: adele, json: {} });
    await call(stack, "/me/notifications/dismissAll", { method: "POST", token: adele, json: { groupName: "Private" } });
    const after = await getOne(stack, megan, megansItem.id);
    expect(after["@odata.etag"]).toBe(megansItem["@odata.etag"]);
    expect(after).toMatchObject({ readState: "unread", userActionState: "noInteraction" });
  });

  it("keeps appNotificationId unique per user: the same value for two users makes two notifications", async () => {
    const a = await createForMe(stack, adele, visualNotification("Adele's order", { appNotificationId: "order-1" }));
    const m = await createForMe(stack, megan, visualNotification("Megan's order", { appNotificationId: "order-1" }));
    expect(m.id).not.toBe(a.id);
    expect((await getOne(stack, adele, a.id)).payload.visualContent?.title).toBe("Adele's order");
  });
});

describe("tenant isolation", () => {
  it("shows tenant B's user nothing from tenant A in the list, the count or a search", async () => {
    const ids = await listIds(stack, bruno, "?$top=200");
    expect(ids).not.toContain(adelesItem.id);
    expect(ids).not.toContain(megansItem.id);
    expect(await countOf(stack, bruno)).toBe(ids.length);
    expect(await countOf(stack, bruno, "groupName eq 'Private'")).toBe(0);
    expect(await listIds(stack, bruno, `?$search=${encodeURIComponent('"secret"')}`)).toEqual([]);
  });

  it("answers tenant B's GET, PATCH and DELETE of a tenant-A item with 404 and leaves it unchanged", async () => {
    await expectAnsweredAsMissing(bruno, adelesItem.id, "GET");
    await expectAnsweredAsMissing(bruno, adelesItem.id, "PATCH", { readState: "read" });
    await expectAnsweredAsMissing(bruno, adelesItem.id, "DELETE");
    const after = await getOne(stack, adele, adelesItem.id);
    expect(after.status).toBe("active");
    expect(after.payload.visualContent?.title).toBe("Adele's secret");
  });

  it("never reports tenant A's items or changes in tenant B's delta", async () => {
    const initial = await allPages(stack, bruno, "/me/notifications/delta");
    const seen = initial.flatMap((page) => page.value.map((item) => item.id));
    expect(seen).not.toContain(adelesItem.id);
    expect(seen).not.toContain(megansItem.id);
    const deltaLink = initial.at(-1)?.["@odata.deltaLink"];
    expect(deltaLink).toBeDefined();

    const fresh = await createForMe(stack, adele, visualNotification("Adele's new secret"));
    await call(stack, `/me/notifications/${adelesItem.id}`, { method: "PATCH", token: adele, json: { userActionState: "activated" } });
    const later = await allPages(stack, bruno, deltaLink!);
    const changed = later.flatMap((page) => page.value.map((item) => item.id));
    expect(changed).not.toContain(fresh.id);
    expect(changed).not.toContain(adelesItem.id);
  });

  it("keeps tenant B's own items away from tenant A", async () => {
    const brunos = await createForMe(stack, bruno, visualNotification("Bruno's secret"));
    await expectAnsweredAsMissing(adele, brunos.id, "GET");
    expect(await listIds(stack, adele, "?$top=200")).not.toContain(brunos.id);
  });

  it("answers a tenant-A app sending to a tenant-B user's userPrincipalName with 404 itemNotFound", async () => {
    const res = await call(stack, `/users/${encodeURIComponent(BRUNO.upn)}/notifications`, {
      method: "POST",
      token: app,
      json: visualNotification("Cross-tenant by UPN"),
    });
    expect(res.status, res.text).toBe(404);
    expect(res.body).toMatchObject({ error: { code: "itemNotFound" } });
  });

  it("answers a tenant-A app sending to a tenant-B user's object id exactly as for an oid it has never seen, and that user never receives it", async () => {
    const before = await listIds(stack, bruno, "?$top=200");
    const toBruno = await call<{ id?: string }>(stack, `/users/${BRUNO.oid}/notifications`, {
      method: "POST",
      token: app,
      json: visualNotification("Cross-tenant by oid"),
    });
    const toNobody = await call(stack, `/users/${randomUUID()}/notifications`, {
      method: "POST",
      token: app,
      json: visualNotification("To an oid never seen"),
    });
    // The contract accepts an oid the service has not seen in the caller's tenant; a tenant-B user
    // is exactly that from tenant A's side, and anything else would reveal tenant B's directory.
    expect(toBruno.status, toBruno.text).toBe(toNobody.status);
    expect(await listIds(stack, bruno, "?$top=200")).toEqual(before);
    if (toBruno.body?.id) {
      const leaked = await call(stack, `/me/notifications/${toBruno.body.id}`, { token: bruno });
      expect(leaked.status).toBe(404);
    }
  });
});
