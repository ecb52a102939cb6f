// Every route's success path, black-box over HTTP with real tokens (contract:
// /work/shared/spec/graph-notifications-api.md, sections POST, Reading history, Changing state).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "../../testing/users";
import { startStack, type Stack } from "../../testing/stack";
import {
  GRAPH_JSON,
  GUID,
  MICROSOFT_SAMPLE_BODY,
  allPages,
  call,
  countOf,
  createForMe,
  getOne,
  listIds,
  postToMe,
  sleep,
  visualNotification,
  type Notification,
  type Page,
} from "../helpers/graph";

const { adele: ADELE, megan: MEGAN, sam: SUPPORT } = users;

let stack: Stack;
let adele: string;
let app: string;

beforeAll(async () => {
  stack = await startStack();
  [adele, app] = await Promise.all([stack.tokenFor(ADELE.upn), stack.appTokenFor()]);
  // The service learns a user (and their UPN) from the user's own first request.
  const seen = await call(stack, "/me/notifications", { token: adele });
  expect(seen.status, seen.text).toBe(200);
});

afterAll(async () => {
  await stack?.close();
});

async function patch(token: string, id: string, json: unknown, headers: Record<string, string> = {}) {
  return call<Notification>(stack, `/me/notifications/${id}`, { method: "PATCH", token, json, headers });
}

describe("POST /me/notifications", () => {
  it("creates Microsoft's documented sample with 201 and the captured response, header for header", async () => {
    const before = Date.now();
    const res = await call<Record<string, unknown>>(stack, "/me/notifications", {
      method: "POST",
      token: adele,
      raw: MICROSOFT_SAMPLE_BODY,
      headers: { "content-type": "application/json" },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.headers.get("content-type")).toBe(GRAPH_JSON);
    expect(res.headers.get("odata-version")).toBe("4.0");
    const body = res.body;
    expect(Object.keys(body).sort()).toEqual(
      ["@odata.context", "displayTimeToLive", "expirationDateTime", "groupName", "id", "payload", "priority"].sort(),
    );
    expect(body.id).toMatch(GUID);
    expect(res.headers.get("location")).toBe(`${stack.baseUrl}/users/${ADELE.oid}/notifications/${String(body.id)}`);
    expect(body["@odata.context"]).toBe(`${stack.baseUrl}/$metadata#users('${ADELE.oid}')/notifications/$entity`);
    expect([59, 60]).toContain(body.displayTimeToLive);
    expect(body.groupName).toBeNull();
    expect(body.priority).toBe("High");
    expect(body.payload).toEqual({});
    // Default expiration: now + 7 days.
    const expires = Date.parse(String(body.expirationDateTime));
    expect(String(body.expirationDateTime)).toMatch(/Z$/);
    expect(expires).toBeGreaterThanOrEqual(before + 7 * 86_400_000 - 60_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 7 * 86_400_000 + 60_000);
  });

  it("echoes visualContent in the response payload and defaults priority to High", async () => {
    const res = await postToMe(stack, adele, {
      targetHostName: "tests.contoso.test",
      payload: { visualContent: { title: "Build 512 passed", body: "All 1,204 tests green." } },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.payload).toEqual({ visualContent: { title: "Build 512 passed", body: "All 1,204 tests green." } });
    expect(res.body.priority).toBe("High");
  });

  it("stores a new notification unread, without interaction, active, with timestamps and an etag", async () => {
    const item = await createForMe(stack, adele, visualNotification("Fresh item", { groupName: "Fresh" }));
    expect(item).toMatchObject({
      targetHostName: "tests.contoso.test",
      groupName: "Fresh",
      readState: "unread",
      userActionState: "noInteraction",
      status: "active",
      snoozedUntilDateTime: null,
      priority: "High",
    });
    expect(item.payload.visualContent).toEqual({ title: "Fresh item", body: "Body of Fresh item" });
    // targetPolicy defaults to every platform.
    expect(item.targetPolicy?.platformTypes.map((t) => t.toLowerCase()).sort()).toEqual(["android", "ios", "webpush", "windows"]);
    expect(Date.parse(item.createdDateTime)).not.toBeNaN();
    expect(Date.parse(item.lastModifiedDateTime)).not.toBeNaN();
    expect(item["@odata.etag"]).toEqual(expect.any(String));
  });

  it("echoes only visualContent, never rawContent, when both are sent", async () => {
    const res = await postToMe(stack, adele, {
      targetHostName: "tests.contoso.test",
      payload: { rawContent: "{\"orderId\":42}", visualContent: { title: "Both kinds" } },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.payload).toEqual({ visualContent: { title: "Both kinds" } });
  });

  it("defaults priority to None when only rawContent is sent", async () => {
    const res = await postToMe(stack, adele, { targetHostName: "tests.contoso.test", payload: { rawContent: "ping" } });
    expect(res.status, res.text).toBe(201);
    expect(res.body.priority).toBe("None");
    expect(res.body.payload).toEqual({});
  });

  it("accepts priority in any case and answers it in PascalCase", async () => {
    const res = await postToMe(stack, adele, visualNotification("Low one", { priority: "lOw" }));
    expect(res.status, res.text).toBe(201);
    expect(res.body.priority).toBe("Low");
  });

  it("accepts displayTimeToLive as an integer and answers the seconds remaining", async () => {
    const res = await postToMe(stack, adele, visualNotification("TTL", { displayTimeToLive: 120 }));
    expect(res.status, res.text).toBe(201);
    expect([119, 120]).toContain(res.body.displayTimeToLive);
  });

  it("keeps an explicit expirationDateTime within 30 days", async () => {
    const expiration = new Date(Date.now() + 29 * 86_400_000).toISOString();
    const res = await postToMe(stack, adele, visualNotification("Expires later", { expirationDateTime: expiration }));
    expect(res.status, res.text).toBe(201);
    expect(Date.parse(String(res.body.expirationDateTime))).toBe(Date.parse(expiration));
  });
});

describe("GET /me/notifications/{id}", () => {
  it("returns every property of the notification resource", async () => {
    const item = await createForMe(
      stack,
      adele,
      visualNotification("Every property", {
        appNotificationId: "every-property",
        groupName: "Props",
        priority: "Low",
        displayTimeToLive: 300,
        targetPolicy: { platformTypes: ["windows", "webPush"] },
        fallbackPolicy: { fallbackDelayInSeconds: 120 },
      }),
    );
    for (const property of [
      "id", "targetHostName", "appNotificationId", "groupName", "payload", "priority", "displayTimeToLive",
      "expirationDateTime", "targetPolicy", "fallbackPolicy", "readState", "userActionState", "snoozedUntilDateTime",
      "status", "createdDateTime", "lastModifiedDateTime", "@odata.etag",
    ]) {
      expect(item, property).toHaveProperty([property]);
    }
    expect(item).toMatchObject({
      appNotificationId: "every-property",
      groupName: "Props",
      priority: "Low",
      fallbackPolicy: { fallbackDelayInSeconds: 120 },
    });
    expect(item.displayTimeToLive).toBeGreaterThanOrEqual(298);
    expect(item.displayTimeToLive).toBeLessThanOrEqual(300);
  });

  it("stores and lists a notification whose targetPolicy excludes webPush, taking platform types in any case", async () => {
    const item = await createForMe(
      stack,
      adele,
      visualNotification("Windows only", { groupName: "NoWebPush", targetPolicy: { platformTypes: ["WINDOWS", "iOS"] } }),
    );
    const types = item.targetPolicy?.platformTypes ?? [];
    expect(types.map((t) => t.toLowerCase()).sort()).toEqual(["ios", "windows"]);
    expect(await listIds(stack, adele, `?$filter=${encodeURIComponent("groupName eq 'NoWebPush'")}`)).toEqual([item.id]);
  });

  it("returns the item with an ETag header equal to its @odata.etag", async () => {
    const created = await postToMe(stack, adele, visualNotification("Get me"));
    const res = await call<Notification>(stack, `/me/notifications/${created.body.id}`, { token: adele });
    expect(res.status, res.text).toBe(200);
    expect(res.body.id).toBe(created.body.id);
    expect(res.body.payload.visualContent?.title).toBe("Get me");
    expect(res.headers.get("etag")).toBeTruthy();
    expect(res.headers.get("etag")).toBe(res.body["@odata.etag"]);
  });
});

describe("request ids on successful responses", () => {
  it("sends request-id on every response and echoes client-request-id", async () => {
    const send = async (path: string, method: string, json?: unknown) => {
      const clientRequestId = `crud-${method}-${Math.random().toString(36).slice(2)}`;
      const res = await call<Notification>(stack, path, { method, token: adele, json, headers: { "client-request-id": clientRequestId } });
      expect(res.status, res.text).toBeLessThan(300);
      expect(res.headers.get("request-id"), `${method} ${path}`).toMatch(GUID);
      expect(res.headers.get("client-request-id"), `${method} ${path}`).toBe(clientRequestId);
      return res;
    };
    const created = await send("/me/notifications", "POST", visualNotification("Ids"));
    const id = created.body.id;
    await send(`/me/notifications/${id}`, "GET");
    await send(`/me/notifications/${id}`, "PATCH", { readState: "read" });
    await send("/me/notifications", "GET");
    await send("/me/notifications/$count", "GET");
    await send("/me/notifications/delta", "GET");
    await send("/me/notifications/markAllAsRead", "POST", { groupName: "none-such" });
    await send(`/me/notifications/${id}`, "DELETE");
  });

  it("gives each response its own request-id", async () => {
    const [a, b] = await Promise.all([
      call(stack, "/me/notifications?$top=1", { token: adele }),
      call(stack, "/me/notifications?$top=1", { token: adele }),
    ]);
    expect(a.headers.get("request-id")).not.toBe(b.headers.get("request-id"));
  });
});

describe("POST /users/{id}/notifications", () => {
  it("lets an app token send to a user by object id", async () => {
    const res = await call<Record<string, unknown>>(stack, `/users/${ADELE.oid}/notifications`, {
      method: "POST",
      token: app,
      json: visualNotification("Sent by oid"),
    });
    expect(res.status, res.text).toBe(201);
    expect(res.headers.get("content-type")).toBe(GRAPH_JSON);
    expect(res.headers.get("odata-version")).toBe("4.0");
    expect(res.headers.get("location")).toBe(`${stack.baseUrl}/users/${ADELE.oid}/notifications/${String(res.body.id)}`);
    expect(res.body["@odata.context"]).toBe(`${stack.baseUrl}/$metadata#users('${ADELE.oid}')/notifications/$entity`);
    const item = await getOne(stack, adele, String(res.body.id));
    expect(item.payload.visualContent?.title).toBe("Sent by oid");
  });

  it("lets an app token send by userPrincipalName to a user the service has seen", async () => {
    const res = await call<Record<string, unknown>>(stack, `/users/${encodeURIComponent(ADELE.upn)}/notifications`, {
      method: "POST",
      token: app,
      json: visualNotification("Sent by UPN"),
    });
    expect(res.status, res.text).toBe(201);
    // The user is addressed by object id in the answer, however the sender named them.
    expect(res.headers.get("location")).toBe(`${stack.baseUrl}/users/${ADELE.oid}/notifications/${String(res.body.id)}`);
    const item = await getOne(stack, adele, String(res.body.id));
    expect(item.payload.visualContent?.title).toBe("Sent by UPN");
  });

  it("accepts an object id it has never seen and delivers it at that user's first sign-in", async () => {
    // SUPPORT has made no request to this stack yet: the service has never seen that oid.
    const res = await call<Record<string, unknown>>(stack, `/users/${SUPPORT.oid}/notifications`, {
      method: "POST",
      token: app,
      json: visualNotification("Waiting for you"),
    });
    expect(res.status, res.text).toBe(201);
    const support = await stack.tokenFor(SUPPORT.upn);
    const list = await call<Page>(stack, "/me/notifications", { token: support });
    expect(list.status, list.text).toBe(200);
    expect(list.body.value.map((n) => n.id)).toEqual([res.body.id]);
    expect(list.body.value[0]?.payload.visualContent?.title).toBe("Waiting for you");
  });

  it("answers 404 itemNotFound for a userPrincipalName it does not know", async () => {
    const res = await call(stack, `/users/${encodeURIComponent("nobody@contoso.test")}/notifications`, {
      method: "POST",
      token: app,
      json: visualNotification("Lost"),
    });
    expect(res.status, res.text).toBe(404);
    expect(res.body).toMatchObject({ error: { code: "itemNotFound" } });
  });
});

describe("appNotificationId upsert", () => {
  it("updates the same notification on a second POST: content replaced, state reset, etag changed", async () => {
    const first = await postToMe(stack, adele, visualNotification("Order 42: packed", { appNotificationId: "order-42" }));
    expect(first.status, first.text).toBe(201);
    const id = first.body.id;
    const changed = await patch(adele, id, { readState: "read", userActionState: "dismissed" });
    expect(changed.status, changed.text).toBe(200);
    const before = await getOne(stack, adele, id);
    await sleep(15);

    const second = await postToMe(
      stack,
      adele,
      visualNotification("Order 42: shipped", { appNotificationId: "order-42", priority: "Low" }),
    );
    expect(second.status, second.text).toBeGreaterThanOrEqual(200);
    expect(second.status).toBeLessThan(300);
    expect(second.body.id).toBe(id);

    const after = await getOne(stack, adele, id);
    expect(after.payload.visualContent?.title).toBe("Order 42: shipped");
    expect(after.priority).toBe("Low");
    expect(after.readState).toBe("unread");
    expect(after.userActionState).toBe("noInteraction");
    expect(after["@odata.etag"]).not.toBe(before["@odata.etag"]);
    expect(Date.parse(after.lastModifiedDateTime)).toBeGreaterThan(Date.parse(before.lastModifiedDateTime));
    const everything = (await allPages(stack, adele, "/me/notifications?$top=200")).flatMap((page) => page.value);
    const order42 = everything.filter((n) => n.payload.visualContent?.title.startsWith("Order 42"));
    expect(order42.map((n) => n.id)).toEqual([id]);
  });

  it("treats the same appNotificationId under another targetHostName as a different notification", async () => {
    const a = await postToMe(stack, adele, visualNotification("Host A", { appNotificationId: "shared-7" }));
    const b = await postToMe(
      stack,
      adele,
      visualNotification("Host B", { appNotificationId: "shared-7", targetHostName: "other.contoso.test" }),
    );
    expect(a.status, a.text).toBe(201);
    expect(b.status, b.text).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
  });
});

describe("PATCH /me/notifications/{id}", () => {
  it("marks an item read and changes its etag", async () => {
    const item = await createForMe(stack, adele, visualNotification("Read me"));
    const res = await patch(adele, item.id, { readState: "read" });
    expect(res.status, res.text).toBe(200);
    expect(res.body.id).toBe(item.id);
    expect(res.body.readState).toBe("read");
    expect(res.body["@odata.etag"]).not.toBe(item["@odata.etag"]);
    expect((await getOne(stack, adele, item.id)).readState).toBe("read");
  });

  it("marks a read item unread again", async () => {
    const item = await createForMe(stack, adele, visualNotification("Unread me"));
    await patch(adele, item.id, { readState: "read" });
    const res = await patch(adele, item.id, { readState: "unread" });
    expect(res.status, res.text).toBe(200);
    expect(res.body.readState).toBe("unread");
  });

  it("dismisses an item", async () => {
    const item = await createForMe(stack, adele, visualNotification("Dismiss me"));
    const res = await patch(adele, item.id, { userActionState: "dismissed" });
    expect(res.status, res.text).toBe(200);
    expect(res.body.userActionState).toBe("dismissed");
    expect((await getOne(stack, adele, item.id)).userActionState).toBe("dismissed");
  });

  it("marks an item activated", async () => {
    const item = await createForMe(stack, adele, visualNotification("Activate me"));
    const res = await patch(adele, item.id, { userActionState: "activated", readState: "read" });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ userActionState: "activated", readState: "read" });
  });

  it("snoozes an item until a future time", async () => {
    const item = await createForMe(stack, adele, visualNotification("Snooze me"));
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const res = await patch(adele, item.id, { userActionState: "snoozed", snoozedUntilDateTime: until });
    expect(res.status, res.text).toBe(200);
    expect(res.body.userActionState).toBe("snoozed");
    expect(Date.parse(String(res.body.snoozedUntilDateTime))).toBe(Date.parse(until));
  });

  it("clears snoozedUntilDateTime when a snoozed item is dismissed", async () => {
    const item = await createForMe(stack, adele, visualNotification("Snooze then dismiss"));
    const until = new Date(Date.now() + 3_600_000).toISOString();
    expect((await patch(adele, item.id, { userActionState: "snoozed", snoozedUntilDateTime: until })).status).toBe(200);
    const res = await patch(adele, item.id, { userActionState: "dismissed" });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ userActionState: "dismissed", snoozedUntilDateTime: null });
  });

  it("applies a change whose If-Match is the current etag", async () => {
    const item = await createForMe(stack, adele, visualNotification("Match me"));
    const res = await patch(adele, item.id, { readState: "read" }, { "if-match": item["@odata.etag"] });
    expect(res.status, res.text).toBe(200);
    expect(res.body.readState).toBe("read");
  });

  it("refuses a change whose If-Match is stale with 412 resourceModified", async () => {
    const item = await createForMe(stack, adele, visualNotification("Stale me"));
    await patch(adele, item.id, { readState: "read" });
    const res = await patch(adele, item.id, { userActionState: "dismissed" }, { "if-match": item["@odata.etag"] });
    expect(res.status, res.text).toBe(412);
    expect(res.body).toMatchObject({ error: { code: "resourceModified" } });
    expect((await getOne(stack, adele, item.id)).userActionState).toBe("noInteraction");
  });

  it("answers 200 with the item unchanged when X-Action-Time is older than its last modification", async () => {
    const item = await createForMe(stack, adele, visualNotification("Offline replay"));
    const first = await patch(adele, item.id, { readState: "read" }, { "x-endpoint-id": "endpoint-laptop" });
    expect(first.status, first.text).toBe(200);
    const actedAt = new Date(Date.parse(first.body.lastModifiedDateTime) - 30_000).toISOString();
    const replay = await patch(
      adele,
      item.id,
      { readState: "unread" },
      { "x-endpoint-id": "endpoint-phone", "x-action-time": actedAt },
    );
    expect(replay.status, replay.text).toBe(200);
    expect(replay.body.readState).toBe("read");
    expect(replay.body["@odata.etag"]).toBe(first.body["@odata.etag"]);
    expect((await getOne(stack, adele, item.id)).readState).toBe("read");
  });

  it("applies a change whose X-Action-Time is newer than its last modification", async () => {
    const item = await createForMe(stack, adele, visualNotification("Later action"));
    const first = await patch(adele, item.id, { readState: "read" }, { "x-endpoint-id": "endpoint-laptop" });
    expect(first.status, first.text).toBe(200);
    await sleep(30);
    const actedAt = new Date(Date.now() - 5).toISOString();
    const res = await patch(
      adele,
      item.id,
      { readState: "unread" },
      { "x-endpoint-id": "endpoint-phone", "x-action-time": actedAt },
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body.readState).toBe("unread");
  });

  it("refuses an X-Action-Time in the future with 400 invalidRequest", async () => {
    const item = await createForMe(stack, adele, visualNotification("Time traveller"));
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const res = await patch(adele, item.id, { readState: "read" }, { "x-action-time": future });
    expect(res.status, res.text).toBe(400);
    expect(res.body).toMatchObject({ error: { code: "invalidRequest" } });
    expect((await getOne(stack, adele, item.id)).readState).toBe("unread");
  });
});

describe("DELETE /me/notifications/{id}", () => {
  let doomed: Notification;
  let deleteStatus: number;
  let deleteText: string;

  beforeAll(async () => {
    doomed = await createForMe(stack, adele, visualNotification("Delete me", { groupName: "Doomed" }));
    const res = await call(stack, `/me/notifications/${doomed.id}`, { method: "DELETE", token: adele });
    deleteStatus = res.status;
    deleteText = res.text;
  });

  it("answers 204 with no body", () => {
    expect(deleteStatus, deleteText).toBe(204);
    expect(deleteText).toBe("");
  });

  it("answers 404 itemNotFound to a GET of the deleted item", async () => {
    const res = await call(stack, `/me/notifications/${doomed.id}`, { token: adele });
    expect(res.status, res.text).toBe(404);
    expect(res.body).toMatchObject({ error: { code: "itemNotFound" } });
  });

  it("leaves the deleted item out of the default list and $count", async () => {
    expect(await listIds(stack, adele, "?$top=200")).not.toContain(doomed.id);
    expect(await countOf(stack, adele, "groupName eq 'Doomed'")).toBe(0);
  });

  it("lists the item as a deleted tombstone under $filter=status eq 'deleted'", async () => {
    const res = await call<Page>(stack, `/me/notifications?$filter=${encodeURIComponent("status eq 'deleted'")}`, {
      token: adele,
    });
    expect(res.status, res.text).toBe(200);
    const tombstone = res.body.value.find((n) => n.id === doomed.id);
    expect(tombstone).toBeDefined();
    expect(tombstone?.status).toBe("deleted");
    expect(res.body.value.every((n) => n.status === "deleted")).toBe(true);
  });
});

describe("markAllAsRead and dismissAll", () => {
  // Megan's inbox holds only what this block creates, so every count is exact.
  let megan: string;
  let cutoff: string;

  beforeAll(async () => {
    megan = await stack.tokenFor(MEGAN.upn);
    for (const [group, n] of [["Alpha", 3], ["Beta", 2]] as const) {
      for (let i = 0; i < n; i++) await createForMe(stack, megan, visualNotification(`${group} early ${i}`, { groupName: group }));
    }
    const lastEarly = await call<Page>(stack, "/me/notifications?$top=1", { token: megan });
    await sleep(40);
    const firstLate = await createForMe(stack, megan, visualNotification("Alpha late", { groupName: "Alpha" }));
    await createForMe(stack, megan, visualNotification("Beta late", { groupName: "Beta" }));
    // A cutoff strictly between the early and the late items, on the service's own clock.
    const early = Date.parse(lastEarly.body.value[0]!.createdDateTime);
    const late = Date.parse(firstLate.createdDateTime);
    expect(late).toBeGreaterThan(early + 1);
    cutoff = new Date(Math.floor((early + late) / 2)).toISOString();
  });

  async function bulk(action: "markAllAsRead" | "dismissAll", json: unknown) {
    const res = await call<{ updated: number }>(stack, `/me/notifications/${action}`, { method: "POST", token: megan, json });
    expect(res.status, res.text).toBe(200);
    return res.body;
  }

  it("markAllAsRead with groupName and before marks exactly the earlier unread items of that group", async () => {
    expect(await bulk("markAllAsRead", { groupName: "Alpha", before: cutoff })).toEqual({ updated: 3 });
    expect(await countOf(stack, megan, "readState eq 'unread'")).toBe(4);
  });

  it("markAllAsRead with groupName alone marks the rest of that group", async () => {
    expect(await bulk("markAllAsRead", { groupName: "Alpha" })).toEqual({ updated: 1 });
    expect(await countOf(stack, megan, "readState eq 'unread' and groupName eq 'Alpha'")).toBe(0);
  });

  it("markAllAsRead with before alone marks the earlier unread items of every group", async () => {
    expect(await bulk("markAllAsRead", { before: cutoff })).toEqual({ updated: 2 });
  });

  it("markAllAsRead with no options marks every remaining unread item", async () => {
    expect(await bulk("markAllAsRead", {})).toEqual({ updated: 1 });
    expect(await countOf(stack, megan, "readState eq 'unread' and status eq 'active'")).toBe(0);
  });

  it("markAllAsRead on an inbox with nothing unread updates nothing", async () => {
    expect(await bulk("markAllAsRead", {})).toEqual({ updated: 0 });
  });

  it("dismissAll with groupName and before dismisses exactly the earlier items of that group", async () => {
    expect(await bulk("dismissAll", { groupName: "Beta", before: cutoff })).toEqual({ updated: 2 });
    expect(await countOf(stack, megan, "userActionState eq 'dismissed'")).toBe(2);
  });

  it("dismissAll with before alone dismisses the earlier items of every group", async () => {
    expect(await bulk("dismissAll", { before: cutoff })).toEqual({ updated: 3 });
  });

  it("dismissAll with no options dismisses every remaining item", async () => {
    expect(await bulk("dismissAll", {})).toEqual({ updated: 2 });
    expect(await countOf(stack, megan, "userActionState eq 'dismissed'")).toBe(7);
    expect(await countOf(stack, megan, "userActionState ne 'dismissed'")).toBe(0);
  });
});

describe("listing, $count and query options", () => {
  // A small known set in groups no other test uses: Lemurs and Otters.
  const items: Record<"l1" | "l2" | "l3" | "l4" | "l5", Notification> = {} as never;
  const ids = (page: Page) => page.value.map((n) => n.id);

  async function list(query: string): Promise<Page> {
    const res = await call<Page>(stack, `/me/notifications${query}`, { token: adele });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.body["@odata.context"]).toEqual(expect.any(String));
    return res.body;
  }
  const filter = (expr: string) => `?$filter=${encodeURIComponent(expr)}`;

  beforeAll(async () => {
    const make = async (title: string, text: string, props: Record<string, unknown>) => {
      const item = await createForMe(stack, adele, {
        targetHostName: "tests.contoso.test",
        ...props,
        payload: { visualContent: { title, body: text } },
      });
      await sleep(12); // distinct createdDateTime values, for ordering and ranges
      return item;
    };
    items.l1 = await make("Zebra crossing ahead", "Mind the gap", { groupName: "Lemurs", priority: "High" });
    items.l2 = await make("Feeding time", "Moved to noon today", { groupName: "Lemurs", priority: "Low" });
    items.l3 = await make("River news", "Water level rising", { groupName: "Otters", priority: "None" });
    items.l4 = await make("Dam report", "Beavers again", { groupName: "Otters", priority: "High" });
    items.l5 = await make("Gone", "Removed soon", { groupName: "Otters", priority: "Low" });
    await call(stack, `/me/notifications/${items.l1.id}`, { method: "PATCH", token: adele, json: { readState: "read" } });
    await call(stack, `/me/notifications/${items.l2.id}`, { method: "PATCH", token: adele, json: { userActionState: "dismissed" } });
    await call(stack, `/me/notifications/${items.l4.id}`, { method: "PATCH", token: adele, json: { readState: "read", userActionState: "activated" } });
    const del = await call(stack, `/me/notifications/${items.l5.id}`, { method: "DELETE", token: adele });
    expect(del.status, del.text).toBe(204);
  });

  it("lists newest first by default", async () => {
    const page = await list(filter("groupName eq 'Otters'"));
    expect(ids(page)).toEqual([items.l4.id, items.l3.id]);
  });

  it("orders by createdDateTime asc and desc", async () => {
    expect(ids(await list(`${filter("groupName eq 'Lemurs'")}&$orderby=${encodeURIComponent("createdDateTime asc")}`))).toEqual([
      items.l1.id,
      items.l2.id,
    ]);
    expect(ids(await list(`${filter("groupName eq 'Lemurs'")}&$orderby=${encodeURIComponent("createdDateTime desc")}`))).toEqual([
      items.l2.id,
      items.l1.id,
    ]);
  });

  it("filters readState with eq and ne", async () => {
    expect(ids(await list(filter("readState eq 'read' and groupName eq 'Lemurs'")))).toEqual([items.l1.id]);
    expect(ids(await list(filter("readState ne 'read' and groupName eq 'Lemurs'")))).toEqual([items.l2.id]);
  });

  it("filters userActionState with eq and ne", async () => {
    expect(ids(await list(filter("userActionState eq 'dismissed' and groupName eq 'Lemurs'")))).toEqual([items.l2.id]);
    expect(ids(await list(filter("userActionState ne 'dismissed' and groupName eq 'Lemurs'")))).toEqual([items.l1.id]);
    expect(ids(await list(filter("userActionState eq 'activated' and groupName eq 'Otters'")))).toEqual([items.l4.id]);
  });

  it("filters status with eq and ne, and naming status lets deleted items through", async () => {
    expect(ids(await list(filter("status eq 'active' and groupName eq 'Otters'")))).toEqual([items.l4.id, items.l3.id]);
    expect(ids(await list(filter("status eq 'deleted' and groupName eq 'Otters'")))).toEqual([items.l5.id]);
    expect(ids(await list(filter("status ne 'active' and groupName eq 'Otters'")))).toEqual([items.l5.id]);
  });

  it("filters groupName with eq, ne and null", async () => {
    expect(ids(await list(filter("groupName eq 'Lemurs'")))).toEqual([items.l2.id, items.l1.id]);
    const others = (await list(`${filter("groupName ne 'Lemurs'")}&$top=200`)).value;
    expect(others.some((n) => n.groupName === "Lemurs")).toBe(false);
    expect(others.map((n) => n.id)).toContain(items.l3.id);
    const ungrouped = (await list(`${filter("groupName eq null")}&$top=200`)).value;
    expect(ungrouped.length).toBeGreaterThan(0);
    expect(ungrouped.every((n) => n.groupName === null)).toBe(true);
  });

  it("filters on a groupName containing a quote, escaped the OData way", async () => {
    const item = await createForMe(stack, adele, visualNotification("Quoted group", { groupName: "Rock 'n' roll" }));
    expect(ids(await list(filter("groupName eq 'Rock ''n'' roll'")))).toEqual([item.id]);
  });

  it("filters priority with eq and ne", async () => {
    expect(ids(await list(filter("priority eq 'Low' and groupName eq 'Lemurs'")))).toEqual([items.l2.id]);
    expect(ids(await list(filter("priority ne 'High' and groupName eq 'Otters'")))).toEqual([items.l3.id]);
  });

  it("filters createdDateTime with ge and lt", async () => {
    const expr = `createdDateTime ge ${items.l2.createdDateTime} and createdDateTime lt ${items.l4.createdDateTime}`;
    expect(ids(await list(filter(expr)))).toEqual([items.l3.id, items.l2.id]);
  });

  it("limits a page with $top and links to the next one", async () => {
    const page = await list(`${filter("groupName eq 'Lemurs'")}&$top=1`);
    expect(ids(page)).toEqual([items.l2.id]);
    expect(page["@odata.nextLink"]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graph\/beta\/me\/notifications\?/);
    const next = await call<Page>(stack, page["@odata.nextLink"]!, { token: adele });
    expect(next.status, next.text).toBe(200);
    expect(ids(next.body)).toEqual([items.l1.id]);
    expect(next.body["@odata.nextLink"]).toBeUndefined();
  });

  it("adds @odata.count with $count=true", async () => {
    const page = await list(`${filter("groupName eq 'Otters'")}&$count=true&$top=1`);
    expect(page["@odata.count"]).toBe(2);
    expect(page.value).toHaveLength(1);
  });

  it("finds words in the title, the body and the groupName with $search", async () => {
    const search = (words: string) => list(`?$search=${encodeURIComponent(`"${words}"`)}`);
    expect(ids(await search("Zebra"))).toEqual([items.l1.id]);
    expect(ids(await search("noon"))).toEqual([items.l2.id]);
    expect(ids(await search("Otters"))).toEqual([items.l4.id, items.l3.id]);
  });

  it("answers /$count as a text/plain integer that excludes deleted items", async () => {
    const res = await call(stack, `/me/notifications/$count${filter("groupName eq 'Otters'")}`, { token: adele });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(res.text).toBe("2");
  });

  it("answers /$count without a filter with the size of the default list", async () => {
    const total = await countOf(stack, adele);
    expect(total).toBe((await listIds(stack, adele, "?$top=200")).length);
  });

  it("answers the unread badge count with the badge's filter", async () => {
    const badge = "readState eq 'unread' and status eq 'active'";
    const unread = await listIds(stack, adele, `${filter(badge)}&$top=200`);
    expect(await countOf(stack, adele, badge)).toBe(unread.length);
    expect(unread).toContain(items.l2.id);
    expect(unread).not.toContain(items.l1.id);
  });
});

describe("concurrent requests", () => {
  it("lets exactly one of two PATCHes with the same If-Match win; the other gets 412", async () => {
    const item = await createForMe(stack, adele, visualNotification("Contested"));
    const etag = item["@odata.etag"];
    const results = await Promise.all([
      patch(adele, item.id, { readState: "read" }, { "if-match": etag }),
      patch(adele, item.id, { userActionState: "dismissed" }, { "if-match": etag }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = results.find((r) => r.status === 200)!;
    const after = await getOne(stack, adele, item.id);
    expect(after["@odata.etag"]).toBe(winner.body["@odata.etag"]);
    // Only the winner's change is applied.
    expect(after.readState === "read").not.toBe(after.userActionState === "dismissed");
  });

  it("keeps one notification when the same appNotificationId is POSTed concurrently", async () => {
    const bodies = Array.from({ length: 5 }, (_, i) =>
      visualNotification(`Race ${i}`, { appNotificationId: "concurrent-upsert", groupName: "UpsertRace" }),
    );
    const results = await Promise.all(bodies.map((body) => postToMe(stack, adele, body)));
    for (const res of results) expect(res.status, res.text).toBeLessThan(300);
    const ids = new Set(results.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(await listIds(stack, adele, `?$filter=${encodeURIComponent("groupName eq 'UpsertRace'")}`)).toEqual([...ids]);
  });

  it("never counts an item twice when two markAllAsRead requests race", async () => {
    for (let i = 0; i < 8; i++) await postToMe(stack, adele, visualNotification(`Bulk race ${i}`, { groupName: "BulkRace" }));
    const results = await Promise.all(
      [0, 1].map(() =>
        call<{ updated: number }>(stack, "/me/notifications/markAllAsRead", { method: "POST", token: adele, json: { groupName: "BulkRace" } }),
      ),
    );
    for (const res of results) expect(res.status, res.text).toBe(200);
    expect(results.reduce((sum, r) => sum + r.body.updated, 0)).toBe(8);
    expect(await countOf(stack, adele, "groupName eq 'BulkRace' and readState eq 'unread'")).toBe(0);
  });
});
