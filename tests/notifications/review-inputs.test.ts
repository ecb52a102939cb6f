// Inputs found in review that reached PostgreSQL and came back as a 500:
// every one must be a 400 that names the field (contract: "Nothing a client
// sends produces a 500"), and the rejected write must change nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "../../testing/users";
import { startStack, type Stack } from "../../testing/stack";
import { call, countOf, createForMe, getOne, visualNotification } from "../helpers/graph";

let stack: Stack;
let adele: string;

beforeAll(async () => {
  stack = await startStack();
  adele = await stack.tokenFor(users.adele.upn);
});

afterAll(async () => {
  await stack?.close();
});

// Valid ISO 8601 text whose UTC instant falls outside PostgreSQL's years 1-9999 once the offset applies.
const BEYOND_9999 = "9999-12-31T23:59:59-23:59";
const BEFORE_0001 = "0001-01-01T00:00:00+23:59";

describe("date-times outside PostgreSQL's range", () => {
  it.each([BEYOND_9999, BEFORE_0001])("$filter on createdDateTime %s is a 400", async (at) => {
    const res = await call(stack, `/me/notifications?$filter=${encodeURIComponent(`createdDateTime ge ${at}`)}`, { token: adele });
    expect(res.status, res.text).toBe(400);
    expect(res.text).toContain("createdDateTime");
    const count = await call(stack, `/me/notifications/$count?$filter=${encodeURIComponent(`createdDateTime lt ${at}`)}`, { token: adele });
    expect(count.status, count.text).toBe(400);
  });

  it.each(["markAllAsRead", "dismissAll"])("%s with an out-of-range before is a 400 and changes nothing", async (action) => {
    const item = await createForMe(stack, adele, visualNotification(`bulk ${action}`));
    for (const before of [BEYOND_9999, BEFORE_0001]) {
      const res = await call(stack, `/me/notifications/${action}`, { method: "POST", token: adele, json: { before } });
      expect(res.status, res.text).toBe(400);
      expect(res.text).toContain("before");
    }
    const after = await getOne(stack, adele, item.id);
    expect([after.readState, after.userActionState]).toEqual(["unread", "noInteraction"]);
  });

  it("X-Action-Time out of range is a 400", async () => {
    const item = await createForMe(stack, adele, visualNotification("action time"));
    const res = await call(stack, `/me/notifications/${item.id}`, {
      method: "PATCH",
      token: adele,
      json: { readState: "read" },
      headers: { "x-action-time": BEFORE_0001 },
    });
    expect(res.status, res.text).toBe(400);
    expect((await getOne(stack, adele, item.id)).readState).toBe("unread");
  });
});

describe("unpaired UTF-16 surrogates in a JSON body", () => {
  it("a lone surrogate inside fallbackPolicy is a 400 naming the field, and nothing is stored", async () => {
    const before = await countOf(stack, adele);
    // JSON.stringify keeps a lone surrogate as the escape \ud800, which is how a client sends it.
    for (const fallbackPolicy of [{ note: "\ud800" }, { fallbackDelayInSeconds: 60, nested: ["x\udc00"] }]) {
      const res = await call(stack, "/me/notifications", {
        method: "POST",
        token: adele,
        json: { ...visualNotification("surrogate"), fallbackPolicy },
      });
      expect(res.status, res.text).toBe(400);
      expect(res.text).toContain("fallbackPolicy");
    }
    expect(await countOf(stack, adele)).toBe(before);
  });

  it("a lone surrogate in a text field is refused, not silently stored as U+FFFD", async () => {
    const res = await call(stack, "/me/notifications", { method: "POST", token: adele, json: visualNotification("bad \ud83d title") });
    expect(res.status, res.text).toBe(400);
    expect(res.text).toContain("payload.visualContent.title");
  });

  it("a well-formed surrogate pair (an emoji) is stored as sent", async () => {
    const item = await createForMe(stack, adele, { ...visualNotification("ship it \ud83d\ude80"), fallbackPolicy: { note: "\ud83d\ude80" } });
    const read = await getOne(stack, adele, item.id);
    expect(read.payload.visualContent?.title).toBe("ship it 🚀");
    expect(read.fallbackPolicy).toEqual({ note: "🚀" });
  });
});

describe("targetHostName is a host name", () => {
  it("differs only in letter case from an earlier send: the same appNotificationId updates that notification", async () => {
    const first = await createForMe(stack, adele, visualNotification("v1", { targetHostName: "Builds.Contoso.test", appNotificationId: "case-1" }));
    const second = await createForMe(stack, adele, visualNotification("v2", { targetHostName: "builds.contoso.TEST", appNotificationId: "case-1" }));
    expect(second.id).toBe(first.id);
    expect(second.targetHostName).toBe("builds.contoso.test");
  });
});
