// Every class of bad input gets Graph's error body with the right status and
// stores nothing (contract: Errors, POST limits, Reading history, Changing state).
import { randomUUID } from "node:crypto";
import { deflateSync, gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { users } from "../../testing/users";
import { startStack, type Stack } from "../../testing/stack";
import {
  allPages,
  call,
  countOf,
  createForMe,
  expectGraphError,
  getOne,
  inBatches,
  visualNotification,
  type CallOptions,
  type CallResult,
  type GraphError,
  type Notification,
  type Page,
} from "../helpers/graph";

const { adele: ADELE } = users;

let stack: Stack;
let token: string;
/** An item the PATCH cases aim at; it must come out of every case unchanged. */
let target: Notification;

beforeAll(async () => {
  stack = await startStack();
  token = await stack.tokenFor(ADELE.upn);
  target = await createForMe(stack, token, visualNotification("Target", { groupName: "Targets" }));
  // Enough items that $top=1 yields a nextLink to tamper with.
  await createForMe(stack, token, visualNotification("Second"));
  await createForMe(stack, token, visualNotification("Third"));
});

afterAll(async () => {
  await stack?.close();
});

/** Sends a request with a fresh client-request-id, so every case also checks the echo. */
async function send(path: string, opts: CallOptions = {}): Promise<{ res: CallResult; clientRequestId: string }> {
  const clientRequestId = randomUUID();
  const res = await call(stack, path, { token, ...opts, headers: { "client-request-id": clientRequestId, ...opts.headers } });
  return { res, clientRequestId };
}

async function expectRejected(
  path: string,
  opts: CallOptions,
  status: number,
  code: string,
  field?: string | RegExp,
): Promise<void> {
  const { res, clientRequestId } = await send(path, opts);
  expectGraphError(res, status, code, field, clientRequestId);
}

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * Copies of an opaque token with one bit of one base64url character flipped, for every
 * character that is followed by another (a segment's last character may carry unused bits).
 * Flipping the low bit turns e.g. a digit into its neighbour: a plausible forged cursor.
 */
function oneBitTampers(token: string): string[] {
  const variants: string[] = [];
  for (let i = 0; i + 1 < token.length; i++) {
    const index = BASE64URL.indexOf(token[i]!);
    if (index < 0 || BASE64URL.indexOf(token[i + 1]!) < 0) continue;
    variants.push(`${token.slice(0, i)}${BASE64URL[index ^ 1]}${token.slice(i + 1)}`);
  }
  return variants;
}

const post = (json: unknown): CallOptions => ({ method: "POST", json });
const longString = (n: number) => "x".repeat(n);

describe("rejected input stores nothing", () => {
  let before: { active: number; deleted: number; etag: string };

  async function snapshot() {
    const [active, deleted, item] = await Promise.all([
      countOf(stack, token),
      countOf(stack, token, "status eq 'deleted'"),
      getOne(stack, token, target.id),
    ]);
    return { active, deleted, etag: item["@odata.etag"] };
  }

  beforeEach(async () => {
    before = await snapshot();
  });

  afterEach(async () => {
    expect(await snapshot()).toEqual(before);
  });

  describe("POST /me/notifications bodies", () => {
    it("rejects a body that is not JSON with 400 invalidRequest", async () => {
      await expectRejected("/me/notifications", { method: "POST", raw: '{"targetHostName": "a.test",' }, 400, "invalidRequest");
    });

    it("rejects an array body (no batches) with 400 invalidRequest", async () => {
      await expectRejected("/me/notifications", post([visualNotification("In an array")]), 400, "invalidRequest");
    });

    it("rejects a body without targetHostName, naming the field", async () => {
      await expectRejected("/me/notifications", post({ payload: { rawContent: "x" } }), 400, "invalidRequest", "targetHostName");
    });

    it("rejects a targetHostName of the wrong type, naming the field", async () => {
      await expectRejected(
        "/me/notifications",
        post({ targetHostName: 42, payload: { rawContent: "x" } }),
        400,
        "invalidRequest",
        "targetHostName",
      );
    });

    it("rejects a body without payload, naming the field", async () => {
      await expectRejected("/me/notifications", post({ targetHostName: "a.test" }), 400, "invalidRequest", "payload");
    });

    it("rejects a payload with neither rawContent nor visualContent, naming payload", async () => {
      await expectRejected("/me/notifications", post({ targetHostName: "a.test", payload: {} }), 400, "invalidRequest", "payload");
    });

    it("rejects visualContent without a title, naming title", async () => {
      await expectRejected(
        "/me/notifications",
        post({ targetHostName: "a.test", payload: { visualContent: { body: "no title" } } }),
        400,
        "invalidRequest",
        "title",
      );
    });

    it("rejects a title longer than 256 characters, naming title", async () => {
      await expectRejected("/me/notifications", post(visualNotification(longString(257))), 400, "invalidRequest", "title");
    });

    it("rejects a visual body longer than 2,048 characters, naming body", async () => {
      await expectRejected(
        "/me/notifications",
        post({ targetHostName: "a.test", payload: { visualContent: { title: "t", body: longString(2049) } } }),
        400,
        "invalidRequest",
        "body",
      );
    });

    it("rejects rawContent longer than 4,096 characters, naming rawContent", async () => {
      await expectRejected(
        "/me/notifications",
        post({ targetHostName: "a.test", payload: { rawContent: longString(4097) } }),
        400,
        "invalidRequest",
        "rawContent",
      );
    });

    it("rejects a groupName longer than 128 characters, naming groupName", async () => {
      await expectRejected("/me/notifications", post(visualNotification("g", { groupName: longString(129) })), 400, "invalidRequest", "groupName");
    });

    it("rejects an appNotificationId longer than 128 characters, naming appNotificationId", async () => {
      await expectRejected(
        "/me/notifications",
        post(visualNotification("a", { appNotificationId: longString(129) })),
        400,
        "invalidRequest",
        "appNotificationId",
      );
    });

    it("rejects a request body over 16 KiB with 413 payloadTooLarge", async () => {
      const body = { targetHostName: "a.test", payload: { visualContent: { title: "big", body: longString(17 * 1024) } } };
      await expectRejected("/me/notifications", post(body), 413, "payloadTooLarge");
    });

    it("rejects an expirationDateTime more than 30 days away, naming the field", async () => {
      const expirationDateTime = new Date(Date.now() + 31 * 86_400_000).toISOString();
      await expectRejected(
        "/me/notifications",
        post(visualNotification("far", { expirationDateTime })),
        400,
        "invalidRequest",
        "expirationDateTime",
      );
    });

    it("rejects an expirationDateTime in the past, naming the field", async () => {
      const expirationDateTime = new Date(Date.now() - 60_000).toISOString();
      await expectRejected(
        "/me/notifications",
        post(visualNotification("past", { expirationDateTime })),
        400,
        "invalidRequest",
        "expirationDateTime",
      );
    });

    it("rejects an expirationDateTime that is not a date, naming the field", async () => {
      await expectRejected(
        "/me/notifications",
        post(visualNotification("nonsense", { expirationDateTime: "next tuesday" })),
        400,
        "invalidRequest",
        "expirationDateTime",
      );
    });

    it("rejects a priority outside None, High and Low, naming priority", async () => {
      await expectRejected("/me/notifications", post(visualNotification("p", { priority: "Urgent" })), 400, "invalidRequest", "priority");
    });

    it("rejects a displayTimeToLive that is not a number, naming the field", async () => {
      await expectRejected(
        "/me/notifications",
        post(visualNotification("ttl", { displayTimeToLive: "soon" })),
        400,
        "invalidRequest",
        "displayTimeToLive",
      );
    });

    it("rejects an unknown platform type, naming the policy", async () => {
      await expectRejected(
        "/me/notifications",
        post(visualNotification("fax", { targetPolicy: { platformTypes: ["fax"] } })),
        400,
        "invalidRequest",
        /platformTypes|targetPolicy/,
      );
    });

    it("rejects a fallbackDelayInSeconds outside 60-600, naming the field", async () => {
      await expectRejected(
        "/me/notifications",
        post(visualNotification("fallback", { fallbackPolicy: { fallbackDelayInSeconds: 30 } })),
        400,
        "invalidRequest",
        "fallbackDelayInSeconds",
      );
    });

    it("rejects a Content-Encoding other than gzip or deflate with 415 unsupportedMediaType", async () => {
      await expectRejected(
        "/me/notifications",
        { method: "POST", raw: JSON.stringify(visualNotification("br")), headers: { "content-encoding": "br" } },
        415,
        "unsupportedMediaType",
      );
    });

    it.each([["text/plain"], ["application/xml"], ["image/png"], ["application/json; charset=latin1"], [null]])(
      "rejects valid JSON sent as %s with 415 unsupportedMediaType",
      async (type) => {
        await expectRejected(
          "/me/notifications",
          {
            method: "POST",
            raw: new TextEncoder().encode(JSON.stringify(visualNotification("Typed wrong"))),
            headers: type === null ? {} : { "content-type": type },
          },
          415,
          "unsupportedMediaType",
        );
      },
    );

    it("rejects a PATCH sent as text/plain with 415, and the item keeps its state", async () => {
      await expectRejected(
        `/me/notifications/${target.id}`,
        { method: "PATCH", raw: new TextEncoder().encode('{"readState":"read"}'), headers: { "content-type": "text/plain" } },
        415,
        "unsupportedMediaType",
      );
    });

    it("rejects a gzip body that does not decompress with 400 invalidRequest", async () => {
      await expectRejected(
        "/me/notifications",
        {
          method: "POST",
          raw: new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef]),
          headers: { "content-type": "application/json", "content-encoding": "gzip" },
        },
        400,
        "invalidRequest",
      );
    });

    it("rejects a gzip body that inflates beyond 16 KiB with 413 payloadTooLarge", async () => {
      const body = { targetHostName: "a.test", payload: { visualContent: { title: "bomb", body: longString(64 * 1024) } } };
      await expectRejected(
        "/me/notifications",
        {
          method: "POST",
          raw: gzipSync(JSON.stringify(body)),
          headers: { "content-type": "application/json", "content-encoding": "gzip" },
        },
        413,
        "payloadTooLarge",
      );
    });
  });

  describe("query options", () => {
    const list = (query: string) => `/me/notifications?${query}`;
    const filter = (expr: string) => list(`$filter=${encodeURIComponent(expr)}`);

    it("rejects a $filter on an unknown field, naming it", async () => {
      await expectRejected(filter("colour eq 'blue'"), {}, 400, "invalidRequest", "colour");
    });

    it("rejects a $filter with an unknown operator", async () => {
      await expectRejected(filter("readState gt 'read'"), {}, 400, "invalidRequest", /gt|\$filter/);
    });

    it("rejects an operator the field does not support (eq on createdDateTime)", async () => {
      await expectRejected(filter(`createdDateTime eq ${new Date().toISOString()}`), {}, 400, "invalidRequest", /createdDateTime|\$filter/);
    });

    it("rejects clauses joined by or", async () => {
      await expectRejected(filter("readState eq 'read' or readState eq 'unread'"), {}, 400, "invalidRequest", /or|\$filter/);
    });

    it("rejects a $filter value outside the field's members", async () => {
      await expectRejected(filter("readState eq 'skimmed'"), {}, 400, "invalidRequest", /readState|\$filter/);
    });

    it("rejects a $filter on /$count the same way", async () => {
      await expectRejected(`/me/notifications/$count?$filter=${encodeURIComponent("colour eq 'blue'")}`, {}, 400, "invalidRequest", "colour");
    });

    for (const top of ["0", "201", "x", "-1", "1.5"]) {
      it(`rejects $top=${top}, naming $top`, async () => {
        await expectRejected(list(`$top=${encodeURIComponent(top)}`), {}, 400, "invalidRequest", "$top");
      });
    }

    it("rejects a $skiptoken that is garbage, naming $skiptoken", async () => {
      await expectRejected(list("$skiptoken=garbage!!"), {}, 400, "invalidRequest", "$skiptoken");
    });

    it("rejects every one-bit alteration of a real $skiptoken", async () => {
      const first = await call<Page>(stack, list("$top=1"), { token });
      const nextLink = first.body["@odata.nextLink"];
      expect(nextLink, first.text).toBeDefined();
      const url = new URL(nextLink!);
      const skiptoken = url.searchParams.get("$skiptoken")!;
      const forged = oneBitTampers(skiptoken);
      expect(forged.length).toBeGreaterThan(10);
      const statuses = await inBatches(forged, 8, async (variant) => {
        const forged = new URL(url);
        forged.searchParams.set("$skiptoken", variant);
        const res = await call(stack, forged.toString(), { token });
        return `${res.status} ${(res.body as GraphError | undefined)?.error?.code ?? res.text.slice(0, 40)}`;
      });
      // Every forged cursor is refused, none is honoured as a different position.
      expect(new Set(statuses)).toEqual(new Set(["400 invalidRequest"]));
      url.searchParams.set("$skiptoken", forged[Math.floor(forged.length / 2)]!);
      await expectRejected(url.toString(), {}, 400, "invalidRequest", "$skiptoken");
    });

    it("rejects every one-bit alteration of a real $deltatoken", async () => {
      const pages = await allPages(stack, token, "/me/notifications/delta");
      const url = new URL(pages.at(-1)!["@odata.deltaLink"]!);
      const deltatoken = url.searchParams.get("$deltatoken")!;
      const statuses = await inBatches(oneBitTampers(deltatoken), 8, async (variant) => {
        const forged = new URL(url);
        forged.searchParams.set("$deltatoken", variant);
        return (await call(stack, forged.toString(), { token })).status;
      });
      expect(statuses.filter((status) => status !== 400 && status !== 410)).toEqual([]);
    });

    it("rejects a $skiptoken reused under a different $filter", async () => {
      const first = await call<Page>(stack, list("$top=1"), { token });
      const skiptoken = new URL(first.body["@odata.nextLink"]!).searchParams.get("$skiptoken")!;
      const query = `$top=1&$filter=${encodeURIComponent("readState eq 'read'")}&$skiptoken=${encodeURIComponent(skiptoken)}`;
      await expectRejected(list(query), {}, 400, "invalidRequest", "$skiptoken");
    });

    it("rejects an $orderby other than createdDateTime, naming $orderby", async () => {
      await expectRejected(list(`$orderby=${encodeURIComponent("priority desc")}`), {}, 400, "invalidRequest", "$orderby");
    });

    it("rejects a $count that is neither true nor false, naming $count", async () => {
      await expectRejected(list("$count=maybe"), {}, 400, "invalidRequest", "$count");
    });

    it("rejects an unknown query option, naming it", async () => {
      await expectRejected(list("$expand=attachments"), {}, 400, "invalidRequest", "$expand");
    });

    it("rejects $skip, which keyset paging replaces", async () => {
      await expectRejected(list("$skip=10"), {}, 400, "invalidRequest", "$skip");
    });

    it("rejects a delta token that is garbage with a Graph error, never a 500", async () => {
      const { res, clientRequestId } = await send("/me/notifications/delta?$deltatoken=not-a-token");
      expect([400, 410]).toContain(res.status);
      expectGraphError(res, res.status, res.status === 410 ? "resyncRequired" : "invalidRequest", undefined, clientRequestId);
    });
  });

  describe("PATCH /me/notifications/{id}", () => {
    const patch = (json: unknown, headers: Record<string, string> = {}): CallOptions => ({ method: "PATCH", json, headers });
    const path = () => `/me/notifications/${target.id}`;

    for (const [property, value] of [
      ["title", "renamed"],
      ["priority", "Low"],
      ["groupName", "Elsewhere"],
      ["id", "00000000-0000-4000-8000-000000000000"],
      ["status", "deleted"],
      ["createdDateTime", "2020-01-01T00:00:00Z"],
      ["expirationDateTime", new Date(Date.now() + 86_400_000).toISOString()],
    ] as const) {
      it(`rejects the read-only property ${property}, naming it`, async () => {
        await expectRejected(path(), patch({ readState: "read", [property]: value }), 400, "invalidRequest", property);
      });
    }

    it("rejects a property the notification does not have, naming it", async () => {
      await expectRejected(path(), patch({ readState: "read", colour: "blue" }), 400, "invalidRequest", "colour");
    });

    it("rejects a readState outside its members, naming readState", async () => {
      await expectRejected(path(), patch({ readState: "skimmed" }), 400, "invalidRequest", "readState");
    });

    it("rejects a userActionState outside its members, naming userActionState", async () => {
      await expectRejected(path(), patch({ userActionState: "ignored" }), 400, "invalidRequest", "userActionState");
    });

    it("rejects snoozed without snoozedUntilDateTime, naming snoozedUntilDateTime", async () => {
      await expectRejected(path(), patch({ userActionState: "snoozed" }), 400, "invalidRequest", "snoozedUntilDateTime");
    });

    it("rejects snoozedUntilDateTime without snoozed, naming it", async () => {
      const until = new Date(Date.now() + 3_600_000).toISOString();
      await expectRejected(path(), patch({ snoozedUntilDateTime: until }), 400, "invalidRequest", "snoozedUntilDateTime");
    });

    it("rejects a snoozedUntilDateTime in the past, naming it", async () => {
      const until = new Date(Date.now() - 3_600_000).toISOString();
      await expectRejected(path(), patch({ userActionState: "snoozed", snoozedUntilDateTime: until }), 400, "invalidRequest", "snoozedUntilDateTime");
    });

    it("rejects a snoozedUntilDateTime after the item expires, naming it", async () => {
      const until = new Date(Date.parse(target.expirationDateTime) + 3_600_000).toISOString();
      await expectRejected(path(), patch({ userActionState: "snoozed", snoozedUntilDateTime: until }), 400, "invalidRequest", "snoozedUntilDateTime");
    });

    it("rejects a body that is not JSON", async () => {
      await expectRejected(path(), { method: "PATCH", raw: "readState=read" }, 400, "invalidRequest");
    });

    it("rejects an array body", async () => {
      await expectRejected(path(), patch([{ readState: "read" }]), 400, "invalidRequest");
    });

    it("rejects a stale If-Match with 412 resourceModified and leaves the item as it was", async () => {
      const stale = 'W/"stale-etag"';
      expect(stale).not.toBe(target["@odata.etag"]);
      await expectRejected(path(), patch({ readState: "read" }, { "if-match": stale }), 412, "resourceModified");
    });

    it("rejects an X-Action-Time that is not a date, naming the header", async () => {
      await expectRejected(path(), patch({ readState: "read" }, { "x-action-time": "yesterday" }), 400, "invalidRequest", /X-Action-Time/i);
    });

    it("answers a PATCH of an id that does not exist with 404 itemNotFound", async () => {
      await expectRejected(`/me/notifications/${randomUUID()}`, patch({ readState: "read" }), 404, "itemNotFound");
    });

    it("answers an id that is not a GUID with a Graph error, never a 500", async () => {
      const { res, clientRequestId } = await send("/me/notifications/not-a-guid", patch({ readState: "read" }));
      expect([400, 404]).toContain(res.status);
      expectGraphError(res, res.status, res.status === 404 ? "itemNotFound" : "invalidRequest", undefined, clientRequestId);
    });
  });

  describe("bulk actions", () => {
    it("rejects a markAllAsRead before that is not a date, naming before", async () => {
      await expectRejected("/me/notifications/markAllAsRead", post({ before: "yesterday" }), 400, "invalidRequest", "before");
    });

    it("rejects a dismissAll groupName of the wrong type, naming groupName", async () => {
      await expectRejected("/me/notifications/dismissAll", post({ groupName: 7 }), 400, "invalidRequest", "groupName");
    });

    it("rejects a markAllAsRead array body", async () => {
      await expectRejected("/me/notifications/markAllAsRead", post([{}]), 400, "invalidRequest");
    });
  });

  describe("routing", () => {
    it("answers an unknown route with a 404 Graph error in JSON", async () => {
      await expectRejected("/me/nothing-here", {}, 404, "itemNotFound");
    });

    it("answers an unknown route outside /me with a 404 Graph error in JSON", async () => {
      await expectRejected("/groups/abc/calendar", {}, 404, "itemNotFound");
    });

    it("answers PUT on the collection with 405 methodNotAllowed in JSON", async () => {
      await expectRejected("/me/notifications", { method: "PUT", json: visualNotification("put") }, 405, "methodNotAllowed");
    });

    it("answers DELETE on the collection with 405 methodNotAllowed in JSON", async () => {
      await expectRejected("/me/notifications", { method: "DELETE" }, 405, "methodNotAllowed");
    });

    it("answers PUT on an item with 405 methodNotAllowed in JSON", async () => {
      await expectRejected(`/me/notifications/${target.id}`, { method: "PUT", json: { readState: "read" } }, 405, "methodNotAllowed");
    });
  });
});

describe("accepted encodings and limits", () => {
  it("accepts a gzip-encoded body", async () => {
    const res = await call(stack, "/me/notifications", {
      method: "POST",
      token,
      raw: gzipSync(JSON.stringify(visualNotification("Zipped"))),
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
    });
    expect(res.status, res.text).toBe(201);
    const item = await getOne(stack, token, (res.body as { id: string }).id);
    expect(item.payload.visualContent?.title).toBe("Zipped");
  });

  it("accepts a deflate-encoded body", async () => {
    const res = await call(stack, "/me/notifications", {
      method: "POST",
      token,
      raw: deflateSync(JSON.stringify(visualNotification("Deflated"))),
      headers: { "content-type": "application/json", "content-encoding": "deflate" },
    });
    expect(res.status, res.text).toBe(201);
  });

  it("accepts every length limit exactly at its boundary", async () => {
    const res = await call(stack, "/me/notifications", {
      method: "POST",
      token,
      json: {
        targetHostName: "a.test",
        appNotificationId: longString(128),
        groupName: "g".repeat(128),
        payload: { rawContent: "r".repeat(4096), visualContent: { title: "t".repeat(256), body: "b".repeat(2048) } },
        expirationDateTime: new Date(Date.now() + 30 * 86_400_000 - 60_000).toISOString(),
        fallbackPolicy: { fallbackDelayInSeconds: 600 },
      },
    });
    expect(res.status, res.text).toBe(201);
  });
});
