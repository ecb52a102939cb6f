// The auth middleware on its own (server/http/middleware/auth.ts): one
// authentication per request, the action token's rule decided in one place,
// and no authentication where no route needs a caller.
import { Hono } from "hono";
import { describe, expect, it, vi } from "vitest";
import type { Authenticate, Principal } from "@/server/http/authenticate";
import type { AppEnv } from "@/server/http/env";
import { GraphError } from "@/server/http/graph-error";
import { createAuthentication, requireApp, requirePrincipal, requireUser } from "@/server/http/middleware/auth";

const OWN = "00000000-0000-4000-8000-000000000001";
const SIBLING = "00000000-0000-4000-8000-000000000002";
const USER: Principal = { kind: "user", tenantId: "t", userId: "u", upn: "u@t", name: "U", support: false };
const APP: Principal = { kind: "app", tenantId: "t", appId: "a", canSendToAll: true };
const ACTION: Principal = { kind: "action", tenantId: "t", userId: "u", notificationId: OWN, endpointId: "e" };

const BY_TOKEN: Record<string, Principal> = { "Bearer user": USER, "Bearer app": APP, "Bearer uat1.good": ACTION };

function harness(endpointLive = true) {
  const authenticate = vi.fn<Authenticate>(async (authorization) => {
    const p = authorization === undefined ? undefined : BY_TOKEN[authorization];
    if (!p) throw new GraphError("unauthenticated", "not valid");
    return p;
  });
  const touchUser = vi.fn(async () => undefined);
  const isEndpointLive = vi.fn(async () => endpointLive);
  const auth = createAuthentication({ authenticate, touchUser, isEndpointLive, config: { basePath: "/graph/beta", publicOrigin: undefined, maxActiveNotifications: 25_000 } });
  const app = new Hono<AppEnv>();
  app.use("*", async (c, next) => {
    c.set("now", new Date());
    await next();
  });
  const api = new Hono<AppEnv>();
  api.use("*", auth.actionTokens);
  api.get("/public", (c) => c.text("public"));
  api.get("/me/notifications", auth.signedIn, (c) => c.json(requireUser(c, "no app here")));
  api.post("/users/:id/notifications", auth.signedIn, (c) => c.json(requireApp(c, "apps only")));
  api.patch("/me/notifications/:id", auth.signedIn, (c) => c.json(requirePrincipal(c)));
  api.get("/me/notifications/:id", auth.signedIn, (c) => c.json(requirePrincipal(c)));
  api.post("/me/notifications/:id/receipts", auth.signedIn, (c) => c.json(requirePrincipal(c)));
  api.get("/forgot-the-middleware", (c) => c.json(requirePrincipal(c)));
  api.all("/me/notifications", () => {
    throw new GraphError("methodNotAllowed", "wrong method");
  });
  app.route("/graph/beta", api);
  app.notFound((c) => c.json({ code: "itemNotFound" }, 404));
  app.onError((err, c) => {
    if (err instanceof GraphError) return c.json({ code: err.code, message: err.message }, err.status as 400);
    return c.json({ code: "generalException" }, 500);
  });
  const send = (method: string, path: string, authorization?: string) =>
    app.fetch(new Request(`http://svc${path}`, { method, headers: authorization ? { authorization } : {} }));
  return { authenticate, touchUser, isEndpointLive, send };
}

describe("an action token", () => {
  it("may POST its own notification's receipts", async () => {
    const res = await harness().send("POST", `/graph/beta/me/notifications/${OWN}/receipts`, "Bearer uat1.good");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(ACTION);
  });

  it("is 401 once its endpoint is gone, wherever it is sent", async () => {
    for (const [method, path] of [
      ["PATCH", `/graph/beta/me/notifications/${OWN}`],
      ["POST", `/graph/beta/me/notifications/${OWN}/receipts`],
      ["GET", "/graph/beta/nowhere"],
    ] as const) {
      const h = harness(false);
      const res = await h.send(method, path, "Bearer uat1.good");
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: "unauthenticated" });
      expect(h.isEndpointLive).toHaveBeenCalledWith(ACTION, ACTION.endpointId, expect.any(Date));
    }
  });

  it("may PATCH its own notification, authenticated once for the request", async () => {
    const h = harness();
    const res = await h.send("PATCH", `/graph/beta/me/notifications/${OWN.toUpperCase()}`, "Bearer uat1.good");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(ACTION);
    expect(h.authenticate).toHaveBeenCalledTimes(1);
    expect(h.touchUser).not.toHaveBeenCalled();
  });

  it.each([
    ["read its own notification", "GET", `/graph/beta/me/notifications/${OWN}`],
    ["PATCH another notification", "PATCH", `/graph/beta/me/notifications/${SIBLING}`],
    ["PATCH below its notification", "PATCH", `/graph/beta/me/notifications/${OWN}/x`],
    ["PATCH its receipts", "PATCH", `/graph/beta/me/notifications/${OWN}/receipts`],
    ["POST to its notification", "POST", `/graph/beta/me/notifications/${OWN}`],
    ["POST another notification's receipts", "POST", "/graph/beta/me/notifications/00000000-0000-0000-0000-000000000000/receipts"],
    ["list the inbox", "GET", "/graph/beta/me/notifications"],
    ["use a wrong method", "PUT", "/graph/beta/me/notifications"],
    ["read a public route", "GET", "/graph/beta/public"],
    ["reach an unknown path", "GET", "/graph/beta/nowhere"],
  ])("may not %s (403, naming the rule)", async (_name, method, path) => {
    const res = await harness().send(method, path, "Bearer uat1.good");
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      code: "accessDenied",
      message: "An action token may only PATCH /me/notifications/{id}, or POST its receipts, of the one notification it was issued for.",
    });
  });

  it.each([
    ["its own notification", "PATCH", `/graph/beta/me/notifications/${OWN}`],
    ["an unknown path", "GET", "/graph/beta/nowhere"],
    ["a public route", "GET", "/graph/beta/public"],
  ])("is 401 when forged, even sent to %s", async (_name, method, path) => {
    const res = await harness().send(method, path, "Bearer uat1.forged");
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "unauthenticated" });
  });
});

describe("requests without an action token", () => {
  it.each([
    ["an unknown path is 404", "GET", "/graph/beta/nowhere", 404],
    ["a wrong method is 405", "PUT", "/graph/beta/me/notifications", 405],
    ["a public route is served", "GET", "/graph/beta/public", 200],
  ])("are not authenticated where no route needs a caller: %s", async (_name, method, path, status) => {
    for (const authorization of [undefined, "Bearer not-a-token", "Bearer user"]) {
      const h = harness();
      expect((await h.send(method, path, authorization)).status).toBe(status);
      expect(h.authenticate).not.toHaveBeenCalled();
      expect(h.touchUser).not.toHaveBeenCalled();
    }
  });

  it("are 401 on a route that needs a caller when the token is missing or not valid", async () => {
    for (const authorization of [undefined, "Bearer not-a-token"]) {
      const res = await harness().send("GET", "/graph/beta/me/notifications", authorization);
      expect(res.status).toBe(401);
    }
  });

  it("set the signed-in user as the principal and record them as seen", async () => {
    const h = harness();
    const res = await h.send("GET", "/graph/beta/me/notifications", "Bearer user");
    expect(await res.json()).toEqual(USER);
    expect(h.authenticate).toHaveBeenCalledTimes(1);
    expect(h.touchUser).toHaveBeenCalledTimes(1);
    expect(h.touchUser).toHaveBeenCalledWith(USER, expect.any(Date));
  });

  it("never record an app as a user", async () => {
    const h = harness();
    const res = await h.send("POST", "/graph/beta/users/x/notifications", "Bearer app");
    expect(await res.json()).toEqual(APP);
    expect(h.touchUser).not.toHaveBeenCalled();
  });
});

describe("the guards", () => {
  it("refuse an app on a user's route with the route's message", async () => {
    const res = await harness().send("GET", "/graph/beta/me/notifications", "Bearer app");
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ code: "accessDenied", message: "no app here" });
  });

  it("refuse a user on an app's route with the route's message", async () => {
    const res = await harness().send("POST", "/graph/beta/users/x/notifications", "Bearer user");
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ code: "accessDenied", message: "apps only" });
  });

  it("treat a route registered without the middleware as a bug (500), never as an anonymous caller", async () => {
    const res = await harness().send("GET", "/graph/beta/forgot-the-middleware", "Bearer user");
    expect(res.status).toBe(500);
  });
});
