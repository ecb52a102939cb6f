// What the service answers before anyone is authenticated: routing comes
// first (404, 405), public routes need no token, every other route is a 401.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@/server/config";
import { startService, type Service } from "@/server";

let service: Service;

beforeAll(async () => {
  service = await startService({ ...loadConfig({ ...process.env, DATA_DIR: "memory://" }), seedDemo: false });
});

afterAll(async () => {
  await service?.close();
});

const send = (method: string, path: string, authorization?: string) =>
  service.fetch(new Request(`http://localhost/graph/beta${path}`, { method, headers: authorization ? { authorization } : {} }));

describe("a request without a valid token", () => {
  it.each([
    ["an unknown path is 404 itemNotFound", "GET", "/nowhere", 404, "itemNotFound"],
    ["an unknown path below a notification is 404 itemNotFound", "PATCH", "/me/notifications/x/y", 404, "itemNotFound"],
    ["a wrong method on the inbox is 405", "PUT", "/me/notifications", 405, "methodNotAllowed"],
    ["a wrong method on the endpoints is 405", "DELETE", "/me/notifications/subscriptions", 405, "methodNotAllowed"],
    ["a PATCH of $count is 405", "PATCH", "/me/notifications/$count", 405, "methodNotAllowed"],
    ["a DELETE of $count is 405", "DELETE", "/me/notifications/$count", 405, "methodNotAllowed"],
    ["the inbox is 401", "GET", "/me/notifications", 401, "unauthenticated"],
    ["the endpoints are 401", "GET", "/me/notifications/subscriptions", 401, "unauthenticated"],
    ["a notification is 401", "GET", "/me/notifications/00000000-0000-4000-8000-000000000001", 401, "unauthenticated"],
    ["sending to a user is 401", "POST", "/users/00000000-0000-4000-8000-000000000001/notifications", 401, "unauthenticated"],
  ])("%s", async (_name, method, path, status, code) => {
    for (const authorization of [undefined, "Bearer not.a.token"]) {
      const res = await send(method, path, authorization);
      expect(res.status, `${method} ${path} with ${authorization ?? "no token"}`).toBe(status);
      expect(await res.json()).toMatchObject({ error: { code } });
    }
  });

  it("reads the VAPID public key (no token needed)", async () => {
    const res = await send("GET", "/notifications/vapidPublicKey");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ key: expect.stringMatching(/^[A-Za-z0-9_-]+$/) });
  });
});
