// Authentication as middleware: the caller is authenticated once per request
// and set as c.var.principal; routes read it through the guards below.
import type { MiddlewareHandler } from "hono";
import type { Principal } from "../authenticate";
import type { AppContext, AppDeps, AppEnv } from "../env";
import { GraphError } from "../graph-error";

export type User = Extract<Principal, { kind: "user" }>;
export type App = Extract<Principal, { kind: "app" }>;
/** Anyone but an action token: the caller of every route except PATCH /me/notifications/{id}. */
export type Caller = Exclude<Principal, { kind: "action" }>;

/** Shaped as an action token (the authenticator decides whether it is a genuine one). */
const BEARER_ACTION_TOKEN = /^Bearer\s+uat1\./i;

const ACTION_TOKEN_CONFINED =
  "An action token may only PATCH /me/notifications/{id}, or POST its receipts, of the one notification it was issued for.";

export interface Authentication {
  /**
   * On every API path, ahead of every route: a request carrying an action
   * token is authenticated here wherever it is sent, so the token's rule holds
   * for unknown paths, wrong methods and public routes too.
   */
  actionTokens: MiddlewareHandler<AppEnv>;
  /**
   * On each route that needs a caller. Public routes, unknown paths and wrong
   * methods (404, 405) answer without authenticating anyone.
   */
  signedIn: MiddlewareHandler<AppEnv>;
}

export function createAuthentication(
  deps: Pick<AppDeps, "authenticate" | "touchUser" | "config" | "isEndpointLive"> & Partial<Pick<AppDeps, "rateLimits">>,
): Authentication {
  const basePath = deps.config.basePath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const ownNotification = new RegExp(`^${basePath}/me/notifications/([^/]+)$`);
  const ownReceipts = new RegExp(`^${basePath}/me/notifications/([^/]+)/receipts$`);

  /**
   * Action tokens (push payloads' button capability) may PATCH their own
   * notification and nothing else: this is the one place that decides it.
   * A forged or expired action token is a 401 wherever it is sent (the
   * authenticator's answer).
   */
  function confineActionToken(c: AppContext, p: Extract<Principal, { kind: "action" }>): void {
    const id =
      c.req.method === "PATCH" ? ownNotification.exec(c.req.path)?.[1] : c.req.method === "POST" ? ownReceipts.exec(c.req.path)?.[1] : undefined;
    if (id === undefined || id.toLowerCase() !== p.notificationId) {
      throw new GraphError("accessDenied", ACTION_TOKEN_CONFINED);
    }
  }

  /** The request's bearer token as a principal, or its 401 (or the action token's 403). */
  async function authenticate(c: AppContext): Promise<Principal> {
    const authorization = c.req.header("authorization");
    const p = await deps.authenticate(authorization, c.get("now"), c.req.raw);
    if (BEARER_ACTION_TOKEN.test(authorization ?? "") && p.kind !== "action") {
      throw new GraphError("unauthenticated", "The action token is not valid.");
    }
    if (p.kind === "action") {
      // A token dies with its endpoint (sign-out, Remove, a takeover, a push
      // service's 404/410): a signed-out browser can neither act nor report.
      if (!(await deps.isEndpointLive(p, p.endpointId, c.get("now")))) {
        throw new GraphError("unauthenticated", "The action token's endpoint no longer exists.", {
          "WWW-Authenticate": 'Bearer error="invalid_token"',
        });
      }
      confineActionToken(c, p);
    }
    return p;
  }

  const limits = deps.rateLimits?.enabled ? deps.rateLimits : undefined;

  /**
   * Authentication under the client address's limit: an address refused 401
   * too often is answered 429 before its token is even verified; a request
   * that authenticates is never counted by address (many users behind one
   * NAT are fine).
   */
  async function authenticateLimited(c: AppContext): Promise<Principal> {
    const address = limits?.clientAddress(c);
    if (limits === undefined || address === undefined) return authenticate(c);
    limits.checkClient(address);
    try {
      return await authenticate(c);
    } catch (err) {
      if (err instanceof GraphError && err.status === 401) await limits.failedAuthentication(address);
      throw err;
    }
  }

  /** One request of the caller, counted once however many times the middleware runs on it (action tokens run it twice). */
  async function countCaller(c: AppContext, p: Principal): Promise<void> {
    if (limits === undefined || c.get("rateLimitCounted")) return;
    c.set("rateLimitCounted", true);
    await limits.consumeCaller(p);
  }

  const signedIn: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (c.var.principal === undefined) {
      const p = await authenticateLimited(c);
      // Before the user is recorded as seen: a refused request writes nothing.
      await countCaller(c, p);
      if (p.kind === "user") await deps.touchUser(p, c.get("now"));
      c.set("principal", p);
    } else {
      await countCaller(c, c.var.principal);
    }
    await next();
  };

  return {
    signedIn,
    actionTokens: async (c, next) => {
      if (BEARER_ACTION_TOKEN.test(c.req.header("authorization") ?? "")) return signedIn(c, next);
      await next();
    },
  };
}

/** The caller as the auth middleware set it, action tokens included (only PATCH of one notification lets one through). */
export function requirePrincipal(c: AppContext): Principal {
  const p = c.var.principal;
  // A route registered without `signedIn`: our bug, answered as a 500.
  if (p === undefined) throw new Error(`${c.req.method} ${c.req.path} reached a handler without the auth middleware`);
  return p;
}

/** The caller of a route action tokens never reach (the middleware refused them before it). */
export function requireCaller(c: AppContext): Caller {
  const p = requirePrincipal(c);
  if (p.kind === "action") throw new GraphError("accessDenied", ACTION_TOKEN_CONFINED);
  return p;
}

/** A signed-in user; `appOnly` is the 403's message for an app-only token. */
export function requireUser(c: AppContext, appOnly: string): User {
  const p = requireCaller(c);
  if (p.kind !== "user") throw new GraphError("accessDenied", appOnly);
  return p;
}

/** An app server; `notApp` is the 403's message for anyone else. */
export function requireApp(c: AppContext, notApp: string): App {
  const p = requireCaller(c);
  if (p.kind !== "app") throw new GraphError("accessDenied", notApp);
  return p;
}
