// The Hono app: request ids, CORS, Graph errors for everything (unknown routes
// and wrong methods included), and the notification routes under basePath.
import { randomUUID } from "node:crypto";
import { Hono, type Context } from "hono";
import { cors } from "hono/cors";
import type { ServiceConfig } from "../config";
import type { SnoozeWaker } from "../domain/snooze-waker";
import type { Db } from "../store/db";
import type { Authenticate, Principal } from "./auth";
import { GraphError, echoableClientRequestId, errorBody } from "./graph-error";
import { registerNotificationRoutes } from "./notification-routes";
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
        "request-id", "client-request-id", "ETag", "Location", "Preference-Applied", "Retry-After", "OData-Version",
      ],
      maxAge: 600,
    }),
  );

  const api = new Hono<AppEnv>();
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
