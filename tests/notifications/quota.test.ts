// A user's inbox holds at most MAX_ACTIVE_NOTIFICATIONS live notifications
// (issue 12; 25,000 by default, 3 here): a POST beyond it is 403
// quotaLimitReached naming the cap and stores nothing; replacing a live one by
// its appNotificationId still works, and room made by a delete is usable again.
// Concurrent POSTs at the edge are counted one after another.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../../testing/stack";
import { users } from "../../testing/users";
import { call, countOf, expectGraphError, visualNotification, type Notification } from "../helpers/graph";

const CAP = 3;
let stack: Stack;
let app: string;
let adele: string;
const send = (body: unknown) => call<Notification>(stack, `/users/${users.adele.upn}/notifications`, { token: app, json: body });

beforeAll(async () => {
  stack = await startStack({ config: { maxActiveNotifications: CAP } });
  app = await stack.appTokenFor();
  adele = await stack.tokenFor(users.adele.upn);
  // Signed in once, so the app can address her by UPN.
  expect(await countOf(stack, adele)).toBe(0);
});

afterAll(async () => {
  await stack?.close();
});

describe("the per-user cap of live notifications", () => {
  it("refuses the POST past the cap with 403 quotaLimitReached, naming the cap, and stores nothing", async () => {
    const sent: Notification[] = [];
    for (let i = 0; i < CAP; i++) {
      const res = await send(visualNotification(`Fits ${i}`, { appNotificationId: `fits-${i}` }));
      expect(res.status).toBe(201);
      sent.push(res.body);
    }
    const over = await send(visualNotification("One too many"));
    expectGraphError(over, 403, "quotaLimitReached");
    expect((over.body as unknown as { error: { message: string } }).error.message).toContain(`${CAP} live notifications`);
    expect(await countOf(stack, adele)).toBe(CAP);

    // Replacing a live one (same appNotificationId) is not one more.
    const replaced = await send(visualNotification("Fits 0, replaced", { appNotificationId: "fits-0" }));
    expect(replaced.status).toBe(201);
    expect(replaced.body.id).toBe(sent[0]!.id);
    expect(await countOf(stack, adele)).toBe(CAP);

    // A delete makes room again.
    const del = await call(stack, `/me/notifications/${sent[1]!.id}`, { method: "DELETE", token: adele });
    expect(del.status).toBe(204);
    expect((await send(visualNotification("Room again"))).status).toBe(201);
    expect(await countOf(stack, adele)).toBe(CAP);
  });

  it("counts concurrent POSTs at the edge one after another: one takes the last place, the rest are refused", async () => {
    const page = await call<{ value: Notification[] }>(stack, "/me/notifications?$top=1", { token: adele });
    expect((await call(stack, `/me/notifications/${page.body.value[0]!.id}`, { method: "DELETE", token: adele })).status).toBe(204);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => send(visualNotification(`Race ${i}`))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 403, 403, 403, 403, 403]);
    expect(await countOf(stack, adele)).toBe(CAP);
  });
});
