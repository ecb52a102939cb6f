// CORS (server/http/cors.ts): bearer tokens, not cookies, so any origin may
// call, as with Graph. A browser app on another origin must be able to send
// its preflight without a token and read every answer — successes, Graph
// errors, 404s — with the headers the contract exposes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CORS_ALLOW_HEADERS, CORS_ALLOW_METHODS, CORS_EXPOSE_HEADERS, CORS_MAX_AGE_SECONDS } from "@/server/http/cors";
import { users } from "../../testing/users";
import { startStack, type Stack } from "../../testing/stack";
import { visualNotification } from "../helpers/graph";

const ORIGIN = "https://app.fabrikam.test";

let stack: Stack;
let token: string;

beforeAll(async () => {
  stack = await startStack();
  token = await stack.tokenFor(users.adele.upn);
});

afterAll(async () => {
  await stack?.close();
});

const list = (header: string | null) => (header ?? "").split(",").map((h) => h.trim().toLowerCase()).filter(Boolean);

function expectReadable(res: Response): void {
  expect(res.headers.get("access-control-allow-origin")).toBe("*");
  expect(list(res.headers.get("access-control-expose-headers"))).toEqual(CORS_EXPOSE_HEADERS.map((h) => h.toLowerCase()));
  expect(res.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
}

describe("CORS", () => {
  it("answers a preflight 204 without a token, naming the methods and headers a client may send", async () => {
    const res = await fetch(`${stack.baseUrl}/me/notifications/00000000-0000-4000-8000-000000000001`, {
      method: "OPTIONS",
      headers: { origin: ORIGIN, "access-control-request-method": "PATCH", "access-control-request-headers": "authorization,content-type,if-match" },
    });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(list(res.headers.get("access-control-allow-methods"))).toEqual(CORS_ALLOW_METHODS.map((m) => m.toLowerCase()));
    expect(list(res.headers.get("access-control-allow-headers"))).toEqual(CORS_ALLOW_HEADERS.map((h) => h.toLowerCase()));
    expect(list(res.headers.get("access-control-allow-headers"))).toEqual(expect.arrayContaining(["authorization", "content-type", "if-match"]));
    expect(res.headers.get("access-control-max-age")).toBe(String(CORS_MAX_AGE_SECONDS));
    expect(res.headers.get("vary")).toMatch(/access-control-request-headers/i);
  });

  it("lets another origin read a success, with the headers it needs (Location, ETag, request-id)", async () => {
    const created = await fetch(`${stack.baseUrl}/me/notifications`, {
      method: "POST",
      headers: { origin: ORIGIN, authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(visualNotification("Cross-origin")),
    });
    expect(created.status).toBe(201);
    expectReadable(created);
    expect(created.headers.get("location")).toContain("/notifications/");
    const read = await fetch(`${stack.baseUrl}/me/notifications/$count`, { headers: { origin: ORIGIN, authorization: `Bearer ${token}` } });
    expect(read.status).toBe(200);
    expectReadable(read);
  });

  it.each([
    ["a 401 (no token)", "GET", "/me/notifications", undefined, 401],
    ["a 404 (unknown path)", "GET", "/nowhere", undefined, 404],
    ["a 405 (wrong method)", "PUT", "/me/notifications", `Bearer ${"x"}`, 405],
    ["a 400 (bad query)", "GET", "/me/notifications?$top=zero", "token", 400],
  ])("lets another origin read Graph's error body on %s", async (_name, method, path, auth, status) => {
    const authorization = auth === "token" ? `Bearer ${token}` : auth;
    const res = await fetch(`${stack.baseUrl}${path}`, { method, headers: { origin: ORIGIN, ...(authorization ? { authorization } : {}) } });
    expect(res.status).toBe(status);
    expectReadable(res);
    expect(await res.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  });
});
