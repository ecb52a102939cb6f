// The Hono app: request ids, CORS, Graph errors for everything (unknown routes
// and wrong methods included), and the notification routes under basePath.
import { randomUUID } from "node:crypto";
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { ServiceConfig } from "../config";
import type { SnoozeWaker } from "../notifications/snooze-waker";
import type { ActionTokenCodec } from "../push/action-token";
import type { PushServiceRules } from "../push/push-services";
import type { Db } from "../store/db";
import type { Authenticate, Principal } from "./auth";
import { GraphError, echoableClientRequestId, errorBody } from "./graph-error";
import { registerNotificationRoutes } from "../notifications/routes";
import { registerSubscriptionRoutes } from "../endpoints/routes";
import type { PageTokenCodec } from "./page-token";

export interface AppDeps {
  db: Db;
  config: Pick<ServiceConfig, "basePath" | "publicOrigin">;
  now: () => Date;
  authenticate: Authenticate;
  tokens: PageTokenCodec;
  snoozes: SnoozeWaker;
  /** Counts changed rows, so maintenance knows when the store needs a VACUUM. */
  noteWrites: (rows: number) => void;
  /** Records that a user signed in (throttled by the caller). */
  touchUser: (p: Extract<Principal, { kind: "user" }>, now: Date) => Promise<void>;
  /** The VAPID public key (base64url) browsers subscribe with. */
  vapidPublicKey: string;
  /** Mints and verifies the action tokens that push payloads carry. */
  actionTokens: ActionTokenCodec;
  /** The push-service allowlist and state-push rule. */
  pushServices: PushServiceRules;
  /** Called after every successful change request, so the push dispatcher wakes at once. */
  changed: () => void;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    clientRequestId: string | undefined;
    /** The request's start: every time rule in one request uses this instant. */
    now: Date;
  };
}

export type AppContext = Context<AppEnv>;

export function errorResponse(c: AppContext, err: GraphError): Response {
  const body = errorBody(err, c.get("requestId"), c.get("clientRequestId"), new Date());
  const headers = new Headers({ "Content-Type": "application/json; charset=utf-8", ...err.headers });
  return new Response(body, { status: err.status, headers });
}

const BEARER_ACTION_TOKEN = /^Bearer\s+uat1\./i;

/**
 * Action tokens (push payloads' button capability) may PATCH their own
 * notification and nothing else. This gate is the one place that decides it,
 * ahead of every route: any other method or path answers 403 before a handler
 * runs. A forged or expired action token is a 401 wherever it is sent.
 */
function actionTokenGate(deps: AppDeps): MiddlewareHandler<AppEnv> {
  const own = new RegExp(`^${deps.config.basePath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/me/notifications/([^/]+)$`);
  return async (c, next) => {
    const authorization = c.req.header("authorization");
    if (!authorization || !BEARER_ACTION_TOKEN.test(authorization)) return next();
    const p = await deps.authenticate(authorization, c.get("now"));
    if (p.kind !== "action") throw new GraphError("unauthenticated", "The action token is not valid.");
    const id = own.exec(c.req.path)?.[1];
    if (c.req.method !== "PATCH" || id === undefined || id.toLowerCase() !== p.notificationId) {
      throw new GraphError(
        "accessDenied",
        "An action token may only PATCH /me/notifications/{id} of the one notification it was issued for.",
      );
    }
    return next();
  };
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use("*", async (c, next) => {
    const requestId = randomUUID();
    c.set("requestId", requestId);
    c.set("clientRequestId", echoableClientRequestId(c.req.header("client-request-id")));
    c.set("now", deps.now());
    await next();
    c.res.headers.set("request-id", requestId);
    const echoed = c.get("clientRequestId");
    if (echoed !== undefined) c.res.headers.set("client-request-id", echoed);
  });

  // Bearer tokens, not cookies: any origin may call, as with Graph itself.
  app.use(
    "*",
    cors({
      origin: "*",
      allowMethods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
      allowHeaders: [
        "Authorization", "Content-Type", "Content-Encoding", "If-Match", "Prefer", "X-Action-Time",
        "X-Endpoint-Id", "X-UNS-ID", "client-request-id",
      ],
      exposeHeaders: [
        "request-id", "client-request-id", "Date", "ETag", "Location", "Preference-Applied", "Retry-After", "OData-Version",
      ],
      maxAge: 600,
    }),
  );

  // Every successful change wakes the push dispatcher (it also polls, so a
  // missed wake-up only delays a push).
  app.use("*", async (c, next) => {
    await next();
    if ((c.req.method === "POST" || c.req.method === "PATCH" || c.req.method === "DELETE") && c.res.status < 400) {
      try {
        deps.changed();
      } catch (err) {
        console.error("[service] change listener failed:", err);
      }
    }
  });

  const api = new Hono<AppEnv>();
  // The one gate for action tokens: before any route, so none can be reached by accident.
  api.use("*", actionTokenGate(deps));
  registerSubscriptionRoutes(api, deps);
  registerNotificationRoutes(api, deps);
  app.route(deps.config.basePath, api);

  app.notFound((c) => errorResponse(c, new GraphError("itemNotFound", `Resource not found for the segment '${new URL(c.req.url).pathname}'.`)));

  app.onError((err, c) => {
    if (err instanceof GraphError) return errorResponse(c, err);
    // Anything else is our bug: log it with the request id, answer Graph's 500.
    console.error(`[service] request ${c.get("requestId")} ${c.req.method} ${c.req.path} failed:`, err);
    return errorResponse(c, new GraphError("generalException", "An unexpected error occurred."));
  });

  return app;
}
