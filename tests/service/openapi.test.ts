// The OpenAPI document (GET /graph/beta/openapi.json), over HTTP from a real
// stack: valid OpenAPI 3.1 by swagger-parser, complete (every route the app
// registers is described, and nothing it does not serve), generated from the
// validation schemas (not hand-copied), and true to what the service answers
// (real answers validated against the document's own response schemas).
import SwaggerParser from "@apidevtools/swagger-parser";
// ajv 8 in JSON Schema 2020-12 mode: the dialect of OpenAPI 3.1's schemas.
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_BATCH_REQUESTS } from "../../contracts/batch";
import { PRIORITIES, READ_STATES, USER_ACTION_STATES } from "../../contracts/notification";
import { openApiRoutes } from "../../server/openapi/routes";
import { startStack, type Stack } from "../../testing/stack";
import { users } from "../../testing/users";
import { call, visualNotification, type CallResult } from "../helpers/graph";

type Schema = Record<string, unknown>;
interface Operation {
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
  requestBody?: { content: Record<string, { schema: Schema }> };
}
interface Document {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];
const { adele: ADELE } = users;

let stack: Stack;
let served: CallResult<Document>;
/** The document as served (with $refs). */
let doc: Document;
/** The same, every $ref resolved: what a validator reads. */
let resolved: Document;

beforeAll(async () => {
  stack = await startStack();
  served = await call<Document>(stack, "/openapi.json");
  expect(served.status, served.text).toBe(200);
  doc = served.body;
  resolved = (await SwaggerParser.dereference(structuredClone(doc) as never)) as unknown as Document;
});

afterAll(async () => {
  await stack?.close();
});

/** Hono's `/graph/beta/users/:userId/notifications` as OpenAPI's `/users/{userId}/notifications`. */
function documentedPath(honoPath: string): string {
  const base = "/graph/beta";
  expect(honoPath.startsWith(`${base}/`), honoPath).toBe(true);
  return honoPath.slice(base.length).replace(/:([A-Za-z_]\w*)/g, "{$1}");
}

/** The app's routes, not its `*` middleware; `ALL` is each path's 405 for the methods it does not serve. */
function appRoutes(): { method: string; path: string }[] {
  return stack.routes.filter((r) => !r.path.endsWith("*"));
}

/** `schema` with every object closed: an answer's property the document does not name fails too. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== "object") return schema;
  const out = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === "properties" ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closed(s)])) : closed(v)]));
  if ("properties" in out && !("additionalProperties" in out)) out.additionalProperties = false;
  return out;
}

const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }), { mode: "full" });

/** Validates a real answer against the document's schema for that operation and status. */
function expectConforms(path: string, method: string, res: CallResult, mediaType = "application/json"): void {
  const response = resolved.paths[path]?.[method]?.responses[String(res.status)];
  expect(response, `${method.toUpperCase()} ${path} ${res.status} is not documented`).toBeDefined();
  const schema = response!.content?.[mediaType]?.schema;
  expect(schema, `${method.toUpperCase()} ${path} ${res.status} has no ${mediaType} schema`).toBeDefined();
  const validate = ajv.compile(closed(schema) as object);
  const body = mediaType === "text/plain" ? Number(res.text) : res.body;
  const ok = validate(body);
  expect(ok, `${method.toUpperCase()} ${path} ${res.status}: ${JSON.stringify(validate.errors)}\n${res.text}`).toBe(true);
}

describe("GET /graph/beta/openapi.json", () => {
  it("is public JSON, with the service's own URL as its server", () => {
    expect(served.headers.get("content-type")).toMatch(/^application\/json/);
    expect(served.headers.get("request-id")).toBeTruthy();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers).toEqual([expect.objectContaining({ url: stack.baseUrl })]);
  });

  it("is a valid OpenAPI 3.1 document (swagger-parser)", async () => {
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it("takes no query options and answers other methods 405, in Graph's error format", async () => {
    const withQuery = await call(stack, "/openapi.json?$top=1");
    expect(withQuery.status).toBe(400);
    expect(withQuery.body).toMatchObject({ error: { code: "invalidRequest" } });
    const post = await call(stack, "/openapi.json", { method: "POST", json: {} });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET");
  });

  it("names APP_ORIGIN as its server when one is configured", async () => {
    const routes = openApiRoutes({ config: { basePath: "/graph/beta", publicOrigin: "https://inbox.example.com", maxActiveNotifications: 1 } });
    const res = await routes.request("http://127.0.0.1:1/openapi.json");
    expect(((await res.json()) as Document).servers).toEqual([expect.objectContaining({ url: "https://inbox.example.com/graph/beta" })]);
  });
});

describe("completeness", () => {
  it("describes every route the app registers, with that method", () => {
    const missing: string[] = [];
    for (const route of appRoutes()) {
      const path = documentedPath(route.path);
      const item = doc.paths[path];
      if (route.method === "ALL") {
        if (!item) missing.push(`${path} (any method)`);
      } else if (!item?.[route.method.toLowerCase()]) {
        missing.push(`${route.method} ${path}`);
      }
    }
    expect([...new Set(missing)], "routes the OpenAPI document does not describe (server/openapi/document.ts)").toEqual([]);
  });

  it("describes nothing the app does not serve", () => {
    const patterns = appRoutes()
      .filter((r) => r.method !== "ALL")
      .map((r) => ({ method: r.method.toLowerCase(), re: new RegExp(`^${documentedPath(r.path).replace(/[$.]/g, "\\$&").replace(/\{\w+\}/g, "[^/]+")}$`) }));
    const unserved: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item).filter((m) => METHODS.includes(m))) {
        if (!patterns.some((p) => p.method === method && p.re.test(path))) unserved.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(unserved, "operations the app does not serve").toEqual([]);
  });

  it("gives every operation a 429 (rate limits), and every error answer Graph's error body", () => {
    for (const [path, item] of Object.entries(resolved.paths)) {
      for (const [method, op] of Object.entries(item).filter(([m]) => METHODS.includes(m))) {
        expect(op.responses["429"], `${method} ${path}`).toBeDefined();
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) < 400) continue;
          const error = response.content?.["application/json"]?.schema as { properties?: { error?: { required?: string[] } } } | undefined;
          expect(error?.properties?.error?.required, `${method} ${path} ${status}`).toEqual(["code", "message", "innerError"]);
        }
      }
    }
  });
});

describe("generated from the schemas the service validates with", () => {
  it("PATCH's body lists the contract's enumerations and refuses other properties", () => {
    const patch = doc.components.schemas.NotificationPatch as { properties: Record<string, { enum?: unknown[] }>; additionalProperties?: unknown };
    expect(patch.properties.readState?.enum).toEqual([...READ_STATES]);
    expect(patch.properties.userActionState?.enum).toEqual([...USER_ACTION_STATES]);
    expect(patch.additionalProperties).toBe(false);
  });

  it("a send's body carries the validation's limits, and nullable enumerations accept null", () => {
    const create = doc.components.schemas.NotificationCreation as {
      required: string[];
      properties: { priority: { enum: unknown[] }; payload: { properties: { rawContent: { maxLength: number } } } };
    };
    expect(create.required).toEqual(expect.arrayContaining(["targetHostName", "payload"]));
    expect(create.properties.priority.enum).toEqual([...PRIORITIES, null]);
    expect(create.properties.payload.properties.rawContent.maxLength).toBe(4096);
  });

  it("$batch's body is the batch route's own schema", () => {
    const batch = doc.components.schemas.BatchRequest as { properties: { requests: { maxItems: number; minItems: number } } };
    expect(batch.properties.requests).toMatchObject({ minItems: 1, maxItems: MAX_BATCH_REQUESTS });
  });

  it("every pattern is a JSON Schema (ECMA-262, flag-less) regular expression", () => {
    const patterns = [...served.text.matchAll(/"pattern":("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1]!) as string);
    expect(patterns.length).toBeGreaterThan(3);
    for (const p of patterns) {
      expect(p, "a regex flag leaked into the pattern").not.toMatch(/\/[dgimsuy]+$/);
      expect(() => new RegExp(p, "u")).not.toThrow();
    }
  });
});

describe("real answers conform to the document", () => {
  let adele: string;
  let sender: string;
  let id: string;

  beforeAll(async () => {
    [adele, sender] = await Promise.all([stack.tokenFor(ADELE.upn), stack.appTokenFor()]);
  });

  it("a send's 201", async () => {
    const res = await call(stack, `/users/${ADELE.oid}/notifications`, {
      method: "POST",
      token: sender,
      json: visualNotification("Described", { appNotificationId: "openapi-1", groupName: "docs" }),
    });
    expect(res.status, res.text).toBe(201);
    expectConforms("/users/{userId}/notifications", "post", res);
    id = (res.body as { id: string }).id;
  });

  it("reads, a change, the count and the delta", async () => {
    expectConforms("/me/notifications", "get", await call(stack, "/me/notifications?$count=true", { token: adele }));
    expectConforms("/me/notifications/{id}", "get", await call(stack, `/me/notifications/${id}`, { token: adele }));
    const patched = await call(stack, `/me/notifications/${id}`, { method: "PATCH", token: adele, json: { readState: "read" } });
    expect(patched.status, patched.text).toBe(200);
    expectConforms("/me/notifications/{id}", "patch", patched);
    const count = await call(stack, "/me/notifications/$count", { token: adele });
    expectConforms("/me/notifications/$count", "get", count, "text/plain");
    expectConforms("/me/notifications/delta", "get", await call(stack, "/me/notifications/delta", { token: adele }));
    expectConforms("/notifications/vapidPublicKey", "get", await call(stack, "/notifications/vapidPublicKey"));
  });

  it("endpoints, a bulk action, the logs, support's reads and a batch", async () => {
    const registered = await call(stack, "/me/notifications/subscriptions", {
      method: "POST",
      token: adele,
      json: { platform: "web", targetHostName: "tests.contoso.test", appDisplayName: "Docs", deviceName: "Test browser" },
    });
    expect(registered.status, registered.text).toBe(201);
    expectConforms("/me/notifications/subscriptions", "post", registered);
    expectConforms("/me/notifications/subscriptions", "get", await call(stack, "/me/notifications/subscriptions", { token: adele }));
    const bulk = await call(stack, "/me/notifications/markAllAsRead", { method: "POST", token: adele, json: { groupName: "docs" } });
    expectConforms("/me/notifications/markAllAsRead", "post", bulk);
    expectConforms("/me/notifications/events", "get", await call(stack, "/me/notifications/events", { token: adele }));
    expectConforms("/me/notifications/accessLog", "get", await call(stack, "/me/notifications/accessLog", { token: adele }));

    const support = await stack.tokenFor(users.sam.upn);
    const reason = { "X-Support-Reason": "ticket 42" };
    expectConforms("/users", "get", await call(stack, "/users", { token: support }));
    expectConforms("/users/{userId}", "get", await call(stack, `/users/${ADELE.oid}`, { token: support, headers: reason }));
    expectConforms("/users/{userId}/notifications/{nid}", "get", await call(stack, `/users/${ADELE.oid}/notifications/${id}`, { token: support, headers: reason }));
    const deliveries = await call(stack, `/users/${ADELE.oid}/notifications/${id}/deliveries`, { token: support, headers: reason });
    expectConforms("/users/{userId}/notifications/{nid}/deliveries", "get", deliveries);
    expectConforms("/auditLogs/notificationAccess", "get", await call(stack, "/auditLogs/notificationAccess", { token: support }));

    const batch = await call(stack, "/$batch", {
      method: "POST",
      token: sender,
      json: {
        requests: [
          { id: "1", method: "POST", url: `/users/${ADELE.oid}/notifications`, headers: { "Content-Type": "application/json" }, body: visualNotification("Batched") },
          { id: "2", method: "GET", url: "/me/notifications", dependsOn: ["1"] },
        ],
      },
    });
    expect(batch.status, batch.text).toBe(200);
    expectConforms("/$batch", "post", batch);
  });

  it("errors: Graph's body with the status's codes", async () => {
    const unknown = await call(stack, "/me/notifications/00000000-0000-4000-8000-000000000000", { token: adele, headers: { "client-request-id": "docs-1" } });
    expect(unknown.status).toBe(404);
    expectConforms("/me/notifications/{id}", "get", unknown);
    const anonymous = await call(stack, "/me/notifications");
    expect(anonymous.status).toBe(401);
    expectConforms("/me/notifications", "get", anonymous);
    const wrongType = await call(stack, `/me/notifications/${id}`, { method: "PATCH", token: adele, raw: '{"readState":"read"}', headers: { "content-type": "text/plain" } });
    expect(wrongType.status).toBe(415);
    expectConforms("/me/notifications/{id}", "patch", wrongType);
  });
});
