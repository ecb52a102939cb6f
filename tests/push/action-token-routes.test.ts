// Action tokens (contract: "What the service pushes" — actionToken): a bearer capability for
// PATCH /me/notifications/{id} of one id only, until that notification expires. Tokens are
// minted here with the service's own key derivation, as the push pipeline mints them.
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "../../testing/users";
import { startStack, type Stack } from "../../testing/stack";
import { createActionTokenCodec, deriveActionTokenKey, type ActionClaims, type ActionTokenCodec } from "../../server/push/action-token";
import { call, createForMe, expectGraphError, getOne, registerEndpoint, visualNotification, type Notification } from "../helpers/graph";

const { adele: ADELE, megan: MEGAN } = users;

let stack: Stack;
let codec: ActionTokenCodec;
let adele: string;
let megan: string;
let endpointId: string;
let otherEndpointId: string;

beforeAll(async () => {
  stack = await startStack();
  const { rows } = await stack.db.query<{ value: string }>("SELECT value FROM service_settings WHERE key = 'page_token_key'");
  codec = createActionTokenCodec(deriveActionTokenKey(Buffer.from(rows[0]!.value, "base64")));
  adele = await stack.tokenFor(ADELE.upn);
  megan = await stack.tokenFor(MEGAN.upn);
  endpointId = (await registerEndpoint(stack, adele, { platform: "web", deviceName: "Adele's phone" })).body.id;
  otherEndpointId = (await registerEndpoint(stack, adele, { platform: "web", deviceName: "Adele's laptop" })).body.id;
});

afterAll(async () => {
  await stack?.close();
});

function claimsFor(n: Notification, overrides: Partial<ActionClaims> = {}): ActionClaims {
  return {
    tenantId: ADELE.tenantId,
    userId: ADELE.oid,
    notificationId: n.id,
    endpointId,
    expiresAt: new Date(n.expirationDateTime),
    ...overrides,
  };
}

const patch = (id: string, token: string, body: unknown = { readState: "read" }, headers: Record<string, string> = {}) =>
  call<Notification>(stack, `/me/notifications/${id}`, { method: "PATCH", token, json: body, headers });

describe("what an action token may do", () => {
  it("PATCHes its own notification, attributed to its endpoint as the user (X-Endpoint-Id ignored)", async () => {
    const n = await createForMe(stack, adele, visualNotification("act on me"));
    const token = codec.mint(claimsFor(n));
    const res = await patch(n.id, token, { readState: "read" }, { "X-Endpoint-Id": otherEndpointId });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: n.id, readState: "read" });
    expect((await getOne(stack, adele, n.id)).readState).toBe("read");
    const dismissed = await patch(n.id, token, { userActionState: "dismissed" });
    expect(dismissed.status, dismissed.text).toBe(200);
    const { rows } = await stack.db.query<{ actor_kind: string; actor_id: string; endpoint_id: string }>(
      "SELECT actor_kind, actor_id, endpoint_id FROM notification_events WHERE notification_id = $1 AND kind <> 'created' ORDER BY seq",
      [n.id],
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toEqual({ actor_kind: "user", actor_id: ADELE.oid, endpoint_id: endpointId });
  });

  it("accepts its id in upper case (ids are case-insensitive)", async () => {
    const n = await createForMe(stack, adele, visualNotification("upper"));
    const res = await patch(n.id.toUpperCase(), codec.mint(claimsFor(n)));
    expect(res.status, res.text).toBe(200);
  });

  it("still answers 404 once its notification is deleted", async () => {
    const n = await createForMe(stack, adele, visualNotification("deleted later"));
    const token = codec.mint(claimsFor(n));
    expect((await call(stack, `/me/notifications/${n.id}`, { method: "DELETE", token: adele })).status).toBe(204);
    expectGraphError(await patch(n.id, token), 404, "itemNotFound");
  });

  it("still validates the PATCH body like any other (400 naming the field)", async () => {
    const n = await createForMe(stack, adele, visualNotification("bad body"));
    expectGraphError(await patch(n.id, codec.mint(claimsFor(n)), { title: "x" }), 400, "invalidRequest", "title");
  });
});

describe("what an action token may not do: 403 accessDenied, nothing changed", () => {
  let mine: Notification;
  let sibling: Notification;
  let megans: Notification;
  let token: string;

  beforeAll(async () => {
    mine = await createForMe(stack, adele, visualNotification("the token's own"));
    sibling = await createForMe(stack, adele, visualNotification("another of Adele's"));
    megans = await createForMe(stack, megan, visualNotification("Megan's"));
    token = codec.mint(claimsFor(mine));
  });

  const denied: Array<[string, string, string, unknown?]> = [
    ["list the inbox", "GET", "/me/notifications"],
    ["read its own notification", "GET", "/me/notifications/{own}"],
    ["read another notification", "GET", "/me/notifications/{sibling}"],
    ["delete its own notification", "DELETE", "/me/notifications/{own}"],
    ["PATCH another notification of the same user", "PATCH", "/me/notifications/{sibling}", { readState: "read" }],
    ["PATCH another user's notification", "PATCH", "/me/notifications/{megan}", { readState: "read" }],
    ["PATCH a path below its notification", "PATCH", "/me/notifications/{own}/x", { readState: "read" }],
    ["mark all as read", "POST", "/me/notifications/markAllAsRead", {}],
    ["dismiss all", "POST", "/me/notifications/dismissAll", {}],
    ["create a notification", "POST", "/me/notifications", visualNotification("from a token")],
    ["count", "GET", "/me/notifications/$count"],
    ["delta", "GET", "/me/notifications/delta"],
    ["list endpoints", "GET", "/me/notifications/subscriptions"],
    ["register an endpoint", "POST", "/me/notifications/subscriptions", { platform: "web" }],
    ["delete an endpoint", "DELETE", "/me/notifications/subscriptions/{endpoint}"],
    ["PATCH the subscriptions collection", "PATCH", "/me/notifications/subscriptions", { readState: "read" }],
    ["read another user's inbox", "GET", `/users/${MEGAN.oid}/notifications`],
    ["send to a user", "POST", `/users/${MEGAN.oid}/notifications`, visualNotification("x")],
    ["read the VAPID key with it", "GET", "/notifications/vapidPublicKey"],
  ];

  it.each(denied)("cannot %s", async (_name, method, template, body) => {
    const path = template
      .replace("{own}", mine.id)
      .replace("{sibling}", sibling.id)
      .replace("{megan}", megans.id)
      .replace("{endpoint}", endpointId);
    const res = await call(stack, path, { method, token, ...(body !== undefined ? { json: body } : {}) });
    expectGraphError(res, 403, "accessDenied", /action token/);
    for (const [who, n] of [[adele, mine], [adele, sibling], [megan, megans]] as const) {
      const now = await getOne(stack, who, n.id);
      expect(now.readState).toBe("unread");
      expect(now.status).toBe("active");
    }
    expect((await call(stack, "/me/notifications/subscriptions", { token: adele })).body).toMatchObject({
      value: expect.arrayContaining([expect.objectContaining({ id: endpointId })]),
    });
  });
});

describe("action tokens that are not genuine or no longer valid: 401 unauthenticated", () => {
  let n: Notification;
  beforeAll(async () => {
    n = await createForMe(stack, adele, visualNotification("guarded"));
  });

  it("refuses a token signed with another key", async () => {
    const forged = createActionTokenCodec(deriveActionTokenKey(randomBytes(32))).mint(claimsFor(n));
    expectGraphError(await patch(n.id, forged), 401, "unauthenticated");
  });

  it("refuses a token keyed with the store's raw token key (the derivation is required)", async () => {
    const { rows } = await stack.db.query<{ value: string }>("SELECT value FROM service_settings WHERE key = 'page_token_key'");
    const raw = createActionTokenCodec(Buffer.from(rows[0]!.value, "base64")).mint(claimsFor(n));
    expectGraphError(await patch(n.id, raw), 401, "unauthenticated");
  });

  it("refuses an altered token (claims swapped for another notification's)", async () => {
    const other = await createForMe(stack, adele, visualNotification("swap target"));
    const [, , mac] = codec.mint(claimsFor(n)).split(".");
    const [, body] = codec.mint(claimsFor(other)).split(".");
    expectGraphError(await patch(other.id, `uat1.${body}.${mac}`), 401, "unauthenticated");
    expect((await getOne(stack, adele, other.id)).readState).toBe("unread");
  });

  it("refuses an expired token", async () => {
    const expired = codec.mint(claimsFor(n, { expiresAt: new Date(Date.now() - 1000) }));
    expectGraphError(await patch(n.id, expired), 401, "unauthenticated");
  });

  it("refuses garbage after the prefix, anywhere", async () => {
    expectGraphError(await patch(n.id, "uat1.AAAA.BBBB"), 401, "unauthenticated");
    expectGraphError(await call(stack, "/me/notifications", { token: "uat1.x.y" }), 401, "unauthenticated");
    expect((await getOne(stack, adele, n.id)).readState).toBe("unread");
  });

  it("cannot be turned into another user's: a genuine token for Megan's id under Adele's name finds nothing", async () => {
    const megans = await createForMe(stack, megan, visualNotification("Megan's own"));
    const token = codec.mint(claimsFor(megans));
    expectGraphError(await patch(megans.id, token), 404, "itemNotFound");
    expect((await getOne(stack, megan, megans.id)).readState).toBe("unread");
  });
});

describe("a token dies with its endpoint (sign-out, Remove, a takeover, a push service's 404/410)", () => {
  it("refuses a genuine token whose endpoint does not exist: 401, nothing changed", async () => {
    const n = await createForMe(stack, adele, visualNotification("gone endpoint"));
    const ghost = randomUUID();
    expectGraphError(await patch(n.id, codec.mint(claimsFor(n, { endpointId: ghost }))), 401, "unauthenticated");
    expect((await getOne(stack, adele, n.id)).readState).toBe("unread");
  });

  it("refuses the token of a removed endpoint, for actions and receipts alike", async () => {
    const doomed = (await registerEndpoint(stack, adele, { platform: "web", deviceName: "Adele's old tablet" })).body.id;
    const n = await createForMe(stack, adele, visualNotification("removed endpoint"));
    const token = codec.mint(claimsFor(n, { endpointId: doomed }));
    expect((await receipt(n.id, token, { outcome: "received" })).status).toBe(204);
    const removed = await call(stack, `/me/notifications/subscriptions/${doomed}`, { method: "DELETE", token: adele });
    expect(removed.status).toBe(204);
    expectGraphError(await patch(n.id, token), 401, "unauthenticated");
    expectGraphError(await receipt(n.id, token, { outcome: "shown", how: "system" }), 401, "unauthenticated");
    expect((await getOne(stack, adele, n.id)).readState).toBe("unread");
  });
});

const receipt = (id: string, token: string, body: unknown) =>
  call(stack, `/me/notifications/${id}/receipts`, { method: "POST", token, json: body });

async function receiptSteps(notificationId: string): Promise<Array<{ endpoint_id: string; step: string; how: string | null }>> {
  const { rows } = await stack.db.query<{ endpoint_id: string; step: string; how: string | null }>(
    `SELECT endpoint_id::text AS endpoint_id, step, how FROM delivery_steps
      WHERE notification_id = $1 AND step IN ('received', 'shown') ORDER BY seq`,
    [notificationId],
  );
  return rows;
}

describe("receipts: the only other thing an action token may do", () => {
  it("records received and shown against the token's own endpoint (a body cannot name another), once per outcome", async () => {
    const n = await createForMe(stack, adele, visualNotification("receipts"));
    const token = codec.mint(claimsFor(n));
    expect((await receipt(n.id, token, { outcome: "received" })).status).toBe(204);
    const shown = await receipt(n.id, token, { outcome: "shown", how: "system", at: new Date().toISOString() });
    expect(shown.status, shown.text).toBe(204);
    // Idempotent per endpoint and outcome: a replay records nothing more.
    expect((await receipt(n.id, token, { outcome: "shown", how: "system" })).status).toBe(204);
    expectGraphError(await receipt(n.id, token, { outcome: "shown", how: "inPage", endpointId: otherEndpointId }), 400, "invalidRequest");
    expect(await receiptSteps(n.id)).toEqual([
      { endpoint_id: endpointId, step: "received", how: null },
      { endpoint_id: endpointId, step: "shown", how: "system" },
    ]);
  });

  it("refuses another notification's token, a forged one, and a user's own token", async () => {
    const n = await createForMe(stack, adele, visualNotification("receipt target"));
    const other = await createForMe(stack, adele, visualNotification("another"));
    expectGraphError(await receipt(n.id, codec.mint(claimsFor(other)), { outcome: "received" }), 403, "accessDenied");
    const forged = createActionTokenCodec(deriveActionTokenKey(randomBytes(32))).mint(claimsFor(n));
    expectGraphError(await receipt(n.id, forged, { outcome: "received" }), 401, "unauthenticated");
    expectGraphError(await receipt(n.id, adele, { outcome: "received" }), 403, "accessDenied");
    expect(await receiptSteps(n.id)).toEqual([]);
  });

  it("answers bad bodies with 400 naming the field, and records nothing", async () => {
    const n = await createForMe(stack, adele, visualNotification("bad receipts"));
    const token = codec.mint(claimsFor(n));
    for (const body of [
      {},
      { outcome: "opened" },
      { outcome: "shown" },
      { outcome: "received", how: "system" },
      { outcome: "shown", how: "loudly" },
      { outcome: "received", at: "yesterday" },
    ]) {
      expectGraphError(await receipt(n.id, token, body), 400, "invalidRequest");
    }
    expect(await receiptSteps(n.id)).toEqual([]);
  });

  it("a token may not post receipts anywhere else (another path, another method)", async () => {
    const n = await createForMe(stack, adele, visualNotification("receipt paths"));
    const token = codec.mint(claimsFor(n));
    expectGraphError(await call(stack, `/me/notifications/${n.id}/receipts`, { token }), 403, "accessDenied");
    expectGraphError(await call(stack, `/me/notifications/${n.id}/events`, { token }), 403, "accessDenied");
  });
});
