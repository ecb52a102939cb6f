// JSON batching (issue 12): POST /graph/beta/$batch as Microsoft Graph has it. Up to 20 requests,
// each run through the service as a call of its own (so every rule applies to it), answered with
// its own status, headers and body; dependsOn orders them, and a request whose dependency failed is
// 424. The Graph SDK's BatchRequestContent/BatchResponseContent work unchanged against it.
import { randomUUID } from "node:crypto";
import { BatchRequestContent, BatchResponseContent, type BatchRequestStep } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BatchResponseBody, BatchResponseItem } from "../../contracts/batch";
import { DEFAULT_RATE_LIMIT } from "../../server/config";
import { createActionTokenCodec, deriveActionTokenKey } from "../../server/push/action-token";
import { startStack, type Stack } from "../../testing/stack";
import { users } from "../../testing/users";
import { GUID, call, countOf, createForMe, expectGraphError, getOne, registerEndpoint, visualNotification, type CallResult, type GraphError, type Notification } from "../helpers/graph";
import { graphClient } from "../helpers/graph-sdk";

const { adele: ADELE, megan: MEGAN } = users;

let stack: Stack;
let adele: string;
let megan: string;
let app: string;

beforeAll(async () => {
  stack = await startStack();
  [adele, megan, app] = await Promise.all([stack.tokenFor(ADELE.upn), stack.tokenFor(MEGAN.upn), stack.appTokenFor()]);
  // Signed in once each, so the app can address them by UPN.
  await Promise.all([countOf(stack, adele), countOf(stack, megan)]);
});

afterAll(async () => {
  await stack?.close();
});

const JSON_HEADERS = { "Content-Type": "application/json" };

function batch(token: string | undefined, body: unknown, headers: Record<string, string> = {}): Promise<CallResult<BatchResponseBody>> {
  return call<BatchResponseBody>(stack, "/$batch", { method: "POST", token, json: body, headers });
}

/** The batch's answer, asserted 200, as a map by id. */
async function answered(token: string, requests: unknown[]): Promise<Map<string, BatchResponseItem>> {
  const res = await batch(token, { requests });
  expect(res.status, res.text).toBe(200);
  expect(res.body.responses).toHaveLength(requests.length);
  return new Map(res.body.responses.map((r) => [r.id, r]));
}

/** An inner answer that is Graph's error JSON with `status` and `code`. */
function expectInnerError(r: BatchResponseItem | undefined, status: number, code: string, message?: string | RegExp): void {
  expect(r, "no answer for the request").toBeDefined();
  expect(r!.status, JSON.stringify(r)).toBe(status);
  expect(r!.headers["Content-Type"]).toMatch(/^application\/json/);
  const body = r!.body as GraphError;
  expect(body.error.code).toBe(code);
  expect(body.error.innerError["request-id"]).toMatch(GUID);
  if (typeof message === "string") expect(body.error.message).toContain(message);
  else if (message) expect(body.error.message).toMatch(message);
}

const send = (id: string, title: string, extra: Record<string, unknown> = {}) => ({
  id,
  method: "POST",
  url: `/users/${ADELE.upn}/notifications`,
  headers: JSON_HEADERS,
  body: visualNotification(title),
  ...extra,
});

describe("the Graph SDK's batch classes, unchanged", () => {
  it("an app server sends 20 notifications in one batch (BatchRequestContent → client.api('/$batch').post → BatchResponseContent)", async () => {
    const before = await countOf(stack, megan);
    const steps: BatchRequestStep[] = Array.from({ length: 20 }, (_, i) => ({
      id: String(i + 1),
      request: new Request(`${stack.baseUrl}/users/${MEGAN.upn}/notifications`, {
        method: "POST",
        headers: JSON_HEADERS,
        body: JSON.stringify(visualNotification(`SDK batch ${i + 1}`, { appNotificationId: `sdk-${i + 1}` })),
      }),
    }));
    const content = new BatchRequestContent(steps);
    const client = graphClient(stack, app);
    const raw: unknown = await client.api("/$batch").post(await content.getContent());
    const answers = new BatchResponseContent(raw as ConstructorParameters<typeof BatchResponseContent>[0]);
    expect(answers.getResponses().size).toBe(20);
    const ids = new Set<string>();
    for (let i = 1; i <= 20; i++) {
      const res = answers.getResponseById(String(i))!;
      expect(res.status).toBe(201);
      expect(res.headers.get("Location")).toMatch(new RegExp(`/graph/beta/users/${MEGAN.oid}/notifications/`));
      const created = (await res.json()) as Notification;
      expect(created.id).toMatch(GUID);
      expect(created.payload.visualContent?.title).toBe(`SDK batch ${i}`);
      ids.add(created.id);
    }
    expect(ids.size).toBe(20);
    expect(await countOf(stack, megan)).toBe(before + 20);
  });

  it("a user's batch: PATCH, then the GET that depends on it, with the SDK's serial dependsOn", async () => {
    const n = await createForMe(stack, adele, visualNotification("read me in a batch"));
    const content = new BatchRequestContent([
      {
        id: "patch",
        request: new Request(`${stack.baseUrl}/me/notifications/${n.id}`, { method: "PATCH", headers: JSON_HEADERS, body: JSON.stringify({ readState: "read" }) }),
      },
      { id: "get", request: new Request(`${stack.baseUrl}/me/notifications/${n.id}`), dependsOn: ["patch"] },
    ]);
    const client = graphClient(stack, adele);
    const answers = new BatchResponseContent(await client.api("/$batch").post(await content.getContent()));
    const patched = answers.getResponseById("patch")!;
    expect(patched.status).toBe(200);
    expect(patched.headers.get("ETag")).toBeTruthy();
    const got = answers.getResponseById("get")!;
    expect(got.status).toBe(200);
    expect(((await got.json()) as Notification).readState).toBe("read");
    expect((await getOne(stack, adele, n.id)).readState).toBe("read");
  });
});

describe("the batch and its answers", () => {
  it("answers 200 with one response per request, in order, each with its status, headers and own request-id", async () => {
    const n = await createForMe(stack, adele, visualNotification("to delete in a batch"));
    const res = await batch(
      adele,
      {
        requests: [
          { id: "list", method: "GET", url: "/me/notifications?$top=1" },
          { id: "count", method: "get", url: "me/notifications/$count" },
          { id: "delete", method: "DELETE", url: `/me/notifications/${n.id}` },
          { id: "prefixed", method: "GET", url: `/graph/beta/me/notifications/${n.id}`, dependsOn: ["delete"] },
        ],
      },
      { "client-request-id": "outer-123" },
    );
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const outerId = res.headers.get("request-id");
    expect(outerId).toMatch(GUID);
    expect(res.headers.get("client-request-id")).toBe("outer-123");
    const [list, count, del, prefixed] = res.body.responses;
    expect(res.body.responses.map((r) => r.id)).toEqual(["list", "count", "delete", "prefixed"]);
    expect(list!.status).toBe(200);
    expect(list!.headers["Content-Type"]).toMatch(/^application\/json;odata\.metadata=minimal/);
    expect((list!.body as { value: unknown[] }).value).toHaveLength(1);
    // $count answers text: the batch carries it as a string.
    expect(count!.status).toBe(200);
    expect(count!.body).toMatch(/^\d+$/);
    // 204: no body at all.
    expect(del!.status).toBe(204);
    expect(del).not.toHaveProperty("body");
    // The base path in the url is accepted (the SDK writes it so); it ran after the DELETE.
    expectInnerError(prefixed, 404, "itemNotFound");
    const innerIds = res.body.responses.map((r) => r.headers["request-id"]);
    for (const id of innerIds) expect(id).toMatch(GUID);
    expect(new Set([outerId, ...innerIds]).size).toBe(5);
  });

  it("runs a request after those it depends on, and answers 424 when one of them failed (and runs nothing of it)", async () => {
    const n = await createForMe(stack, adele, visualNotification("stays unread"));
    const missing = randomUUID();
    const answers = await answered(adele, [
      { id: "a", method: "GET", url: `/me/notifications/${missing}` },
      { id: "b", method: "PATCH", url: `/me/notifications/${n.id}`, headers: JSON_HEADERS, body: { readState: "read" }, dependsOn: ["a"] },
      { id: "c", method: "GET", url: "/me/notifications/$count", dependsOn: ["b"] },
      { id: "d", method: "POST", url: "/me/notifications", headers: JSON_HEADERS, body: visualNotification("independent") },
    ]);
    expectInnerError(answers.get("a"), 404, "itemNotFound");
    expectInnerError(answers.get("b"), 424, "failedDependency", "'a'");
    expectInnerError(answers.get("c"), 424, "failedDependency", "'b'");
    expect(answers.get("d")!.status).toBe(201);
    expect((await getOne(stack, adele, n.id)).readState).toBe("unread");

    // A chain: each step sees the one before it.
    const chain = await answered(adele, [
      { id: "1", method: "POST", url: "/me/notifications", headers: JSON_HEADERS, body: visualNotification("chain", { groupName: "chain" }) },
      { id: "2", method: "POST", url: "/me/notifications", headers: JSON_HEADERS, body: visualNotification("chain", { groupName: "chain" }), dependsOn: ["1"] },
      { id: "3", method: "GET", url: `/me/notifications/$count?$filter=${encodeURIComponent("groupName eq 'chain'")}`, dependsOn: ["1", "2"] },
    ]);
    expect(chain.get("3")!.body).toBe("2");
  });

  it("runs every request through the service's own rules: a bad body is that request's 400 and stores nothing, its siblings succeed", async () => {
    const before = await countOf(stack, adele);
    const answers = await answered(app, [
      send("ok1", "fine 1"),
      send("bad", "bad", { body: { targetHostName: "tests.contoso.test" } }),
      send("ok2", "fine 2"),
      send("noType", "no content type", { headers: {} }),
      send("textType", "text", { headers: { "Content-Type": "text/plain" } }),
      send("tooLong", "x", { body: visualNotification("x".repeat(300)) }),
    ]);
    expect(answers.get("ok1")!.status).toBe(201);
    expect(answers.get("ok2")!.status).toBe(201);
    expectInnerError(answers.get("bad"), 400, "invalidRequest", "payload");
    expectInnerError(answers.get("noType"), 415, "unsupportedMediaType");
    expectInnerError(answers.get("textType"), 415, "unsupportedMediaType");
    expectInnerError(answers.get("tooLong"), 400, "invalidRequest", "title");
    expect(await countOf(stack, adele)).toBe(before + 2);
  });

  it("holds ownership per request: a user's batch cannot read or change another user's notification", async () => {
    const hers = await createForMe(stack, adele, visualNotification("Adele's own"));
    const answers = await answered(megan, [
      { id: "get", method: "GET", url: `/me/notifications/${hers.id}` },
      // A request's own Authorization is not its caller: the batch's token is.
      { id: "asHer", method: "GET", url: `/me/notifications/${hers.id}`, headers: { Authorization: `Bearer ${adele}` } },
      { id: "patch", method: "PATCH", url: `/me/notifications/${hers.id}`, headers: JSON_HEADERS, body: { readState: "read" } },
      { id: "delete", method: "DELETE", url: `/me/notifications/${hers.id}` },
      { id: "users", method: "GET", url: `/users/${ADELE.oid}/notifications/${hers.id}` },
      send("send", "a user cannot send to another"),
    ]);
    expectInnerError(answers.get("get"), 404, "itemNotFound");
    expectInnerError(answers.get("asHer"), 404, "itemNotFound");
    expectInnerError(answers.get("patch"), 404, "itemNotFound");
    expectInnerError(answers.get("delete"), 404, "itemNotFound");
    expectInnerError(answers.get("users"), 403, "accessDenied");
    expectInnerError(answers.get("send"), 403, "accessDenied");
    const after = await getOne(stack, adele, hers.id);
    expect(after.readState).toBe("unread");
    expect(after.status).toBe("active");
  });

  it("gives an app-only token no /me inside a batch, as outside (403)", async () => {
    const answers = await answered(app, [{ id: "me", method: "GET", url: "/me/notifications" }]);
    expectInnerError(answers.get("me"), 403, "accessDenied");
  });

  it("refuses a nested $batch and the live stream as requests of a batch (400 each), running the others", async () => {
    const answers = await answered(adele, [
      { id: "nested", method: "POST", url: "/$batch", headers: JSON_HEADERS, body: { requests: [{ id: "1", method: "GET", url: "/me/notifications" }] } },
      { id: "encoded", method: "POST", url: "/%24batch", headers: JSON_HEADERS, body: { requests: [{ id: "1", method: "GET", url: "/me/notifications" }] } },
      { id: "stream", method: "GET", url: "/me/notifications/stream" },
      { id: "fine", method: "GET", url: "/me/notifications/$count" },
    ]);
    expectInnerError(answers.get("nested"), 400, "invalidRequest", "$batch");
    // Percent-encoded, it is the same route, and refused the same way.
    expectInnerError(answers.get("encoded"), 400, "invalidRequest", "$batch");
    expectInnerError(answers.get("stream"), 400, "invalidRequest", "stream");
    expect(answers.get("fine")!.status).toBe(200);
  });

  it("runs delta in a batch: its links work outside it", async () => {
    const answers = await answered(adele, [{ id: "delta", method: "GET", url: "/me/notifications/delta" }]);
    const delta = answers.get("delta")!;
    expect(delta.status).toBe(200);
    const page = delta.body as { value: unknown[]; "@odata.nextLink"?: string; "@odata.deltaLink"?: string };
    const link = page["@odata.nextLink"] ?? page["@odata.deltaLink"];
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graph\/beta\/me\/notifications\/delta\?/);
    expect((await call(stack, link!, { token: adele })).status).toBe(200);
  });

  it("answers an unknown path or method inside a batch as the service does (404, 405)", async () => {
    const answers = await answered(adele, [
      { id: "unknown", method: "GET", url: "/me/nothingHere" },
      { id: "method", method: "PUT", url: "/me/notifications", headers: JSON_HEADERS, body: {} },
    ]);
    expectInnerError(answers.get("unknown"), 404, "itemNotFound");
    expectInnerError(answers.get("method"), 405, "methodNotAllowed");
    expect(answers.get("method")!.headers.Allow).toBe("GET, POST");
  });
});

describe("who may batch", () => {
  it("answers an outer request without a valid token 401, running nothing", async () => {
    const before = await countOf(stack, adele);
    const requests = [{ id: "1", method: "POST", url: "/me/notifications", headers: JSON_HEADERS, body: visualNotification("never") }];
    expectGraphError(await batch(undefined, { requests }), 401, "unauthenticated");
    expectGraphError(await batch(`${adele}x`, { requests }), 401, "unauthenticated");
    expect(await countOf(stack, adele)).toBe(before);
  });

  it("refuses an action token (403): it may PATCH its one notification, and nothing else", async () => {
    const n = await createForMe(stack, adele, visualNotification("action token"));
    const endpointId = (await registerEndpoint(stack, adele, { platform: "web", deviceName: "batch test" })).body.id;
    const { rows } = await stack.db.query<{ value: string }>("SELECT value FROM service_settings WHERE key = 'page_token_key'");
    const codec = createActionTokenCodec(deriveActionTokenKey(Buffer.from(rows[0]!.value, "base64")));
    const token = codec.mint({ tenantId: ADELE.tenantId, userId: ADELE.oid, notificationId: n.id, endpointId, expiresAt: new Date(n.expirationDateTime) });
    const res = await batch(token, {
      requests: [{ id: "1", method: "PATCH", url: `/me/notifications/${n.id}`, headers: JSON_HEADERS, body: { readState: "read" } }],
    });
    expectGraphError(res, 403, "accessDenied");
    expect((await getOne(stack, adele, n.id)).readState).toBe("unread");
  });
});

describe("rate limits count each request of a batch as a call", () => {
  let limited: Stack;
  beforeAll(async () => {
    // 6 requests per caller per 6 s: the batch itself is one, so 5 of its 10 may run.
    limited = await startStack({ config: { rateLimit: { ...DEFAULT_RATE_LIMIT, perSecond: 1, burst: 6 } } });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it("answers the requests past the caller's limit 429 with Retry-After, inside a batch answered 200", async () => {
    const token = await limited.tokenFor(ADELE.upn);
    const requests = Array.from({ length: 10 }, (_, i) => ({ id: String(i), method: "GET", url: "/me/notifications/$count" }));
    const res = await call<BatchResponseBody>(limited, "/$batch", { method: "POST", token, json: { requests } });
    expect(res.status, res.text).toBe(200);
    const statuses = res.body.responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    const refused = res.body.responses.filter((r) => r.status === 429);
    expect(refused).toHaveLength(5);
    for (const r of refused) {
      expectInnerError(r, 429, "activityLimitReached");
      expect(Number(r.headers["Retry-After"])).toBeGreaterThan(0);
    }
  });
});

describe("a malformed batch is 400 invalidRequest as a whole, and runs nothing", () => {
  const one = { id: "1", method: "GET", url: "/me/notifications" };
  const cases: [string, unknown, string | RegExp][] = [
    ["21 requests", { requests: Array.from({ length: 21 }, (_, i) => ({ ...one, id: String(i) })) }, /requests .*maximum 20/],
    ["no requests", { requests: [] }, "requests"],
    ["requests not an array", { requests: one }, "requests"],
    ["no requests property", {}, "requests"],
    ["an unknown property", { requests: [one], atomicityGroup: "g" }, "atomicityGroup"],
    ["duplicate ids", { requests: [one, { ...one }] }, "requests.1.id '1' is used by more than one request"],
    ["a missing id", { requests: [{ method: "GET", url: "/me/notifications" }] }, "requests.0.id"],
    ["an id that is a number", { requests: [{ ...one, id: 1 }] }, "requests.0.id"],
    ["an unknown dependsOn", { requests: [one, { ...one, id: "2", dependsOn: ["9"] }] }, "requests.1.dependsOn names '9'"],
    ["a dependsOn on a later request", { requests: [{ ...one, dependsOn: ["2"] }, { ...one, id: "2" }] }, "requests.0.dependsOn names '2'"],
    ["a dependsOn on itself", { requests: [{ ...one, dependsOn: ["1"] }] }, "requests.0.dependsOn names '1'"],
    ["a bad method", { requests: [{ ...one, method: "HEAD" }] }, "requests.0.method"],
    ["a missing method", { requests: [{ id: "1", url: "/me" }] }, "requests.0.method"],
    ["an absolute url", { requests: [{ ...one, url: "https://evil.example/graph/beta/me" }] }, "requests.0.url"],
    ["a protocol-relative url", { requests: [{ ...one, url: "//evil.example/me" }] }, "requests.0.url"],
    ["a url leaving the version root", { requests: [{ ...one, url: "/../../healthz" }] }, "requests.0.url"],
    ["an empty url", { requests: [{ ...one, url: "" }] }, "requests.0.url"],
    ["a header value with a line break", { requests: [{ ...one, headers: { "X-A": "a\r\nX-B: b" } }] }, "requests.0.headers"],
    ["a header name with a space", { requests: [{ ...one, headers: { "X A": "a" } }] }, "requests.0.headers"],
    ["a header value that is not a string", { requests: [{ ...one, headers: { "X-A": 1 } }] }, "requests.0.headers"],
    ["a body on a GET", { requests: [{ ...one, body: { a: 1 } }] }, "requests.0.body"],
  ];
  it.each(cases)("%s", async (_, body, message) => {
    const before = await countOf(stack, adele);
    const requests = (body as { requests?: unknown }).requests;
    // A valid send rides along where the shape allows, to show nothing ran.
    const withSend = Array.isArray(requests) && requests.length > 0 && requests.length < 20
      ? { ...(body as object), requests: [...requests, { id: "send", method: "POST", url: "/me/notifications", headers: JSON_HEADERS, body: visualNotification("never") }] }
      : body;
    expectGraphError(await batch(adele, withSend), 400, "invalidRequest", message);
    expect(await countOf(stack, adele)).toBe(before);
  });

  it("a body that is not JSON (400), not said to be JSON (415), or not an object (400)", async () => {
    expectGraphError(await call(stack, "/$batch", { method: "POST", token: adele, raw: "{", headers: { "content-type": "application/json" } }), 400, "invalidRequest");
    expectGraphError(await call(stack, "/$batch", { method: "POST", token: adele, raw: '{"requests":[]}', headers: { "content-type": "text/plain" } }), 415, "unsupportedMediaType");
    expectGraphError(await call(stack, "/$batch", { method: "POST", token: adele, json: [{ id: "1", method: "GET", url: "/me" }] }), 400, "invalidRequest");
    expectGraphError(await call(stack, "/$batch", { method: "POST", token: adele }), 400, "invalidRequest");
  });

  it("GET /$batch is 405, naming POST", async () => {
    const res = await call(stack, "/$batch", { token: adele });
    expectGraphError(res, 405, "methodNotAllowed");
    expect(res.headers.get("allow")).toBe("POST");
  });

  it("a client that escapes $ reaches the same routes: POST /%24batch, GET …/%24count, and %24count inside the batch", async () => {
    const count = await countOf(stack, adele);
    const res = await call<BatchResponseBody>(stack, "/%24batch", { method: "POST", token: adele, json: { requests: [{ id: "1", method: "GET", url: "/me/notifications/%24count" }] } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.responses[0]).toMatchObject({ id: "1", status: 200, body: String(count) });
    const direct = await call(stack, "/me/notifications/%24count", { token: adele });
    expect(direct.status, direct.text).toBe(200);
    expect(direct.text).toBe(String(count));
    expectGraphError(await call(stack, "/%24batch", { token: adele }), 405, "methodNotAllowed");
  });

  it("a query option on /$batch is 400", async () => {
    expectGraphError(await call(stack, "/$batch?$top=1", { method: "POST", token: adele, json: { requests: [{ id: "1", method: "GET", url: "/me" }] } }), 400, "invalidRequest", "$top");
  });
});
