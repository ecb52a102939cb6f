// The Hono app: request ids, CORS, Graph errors for everything (unknown routes
// and wrong methods included), and each resource's sub-app under basePath.
import { randomUUID } from "node:crypto";
import { Hono } from "hono";
import { cors } from "hono/cors";
import { endpointRoutes } from "../endpoints/routes";
import { notificationRoutes } from "../notifications/routes";
import { supportRoutes } from "../support/routes";
import type { AppContext, AppDeps, AppEnv } from "./env";
import { GraphError, echoableClientRequestId, graphErrorResponse } from "./graph-error";
import { createAuthentication } from "./middleware/auth";
import { ACTION_TIME_HEADER, SUPERSEDED_FIELDS_HEADER } from "../../contracts/notification";

function errorResponse(c: AppContext, err: GraphError): Response {
  return graphErrorResponse(err, c.get("requestId"), c.get("clientRequestId"));
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
        "Authorization", "Content-Type", "Content-Encoding", "If-Match", "Prefer", ACTION_TIME_HEADER,
        "X-Endpoint-Id", "X-Support-Reason", "X-UNS-ID", "client-request-id",
      ],
      exposeHeaders: [
        "request-id", "client-request-id", "Date", "ETag", "Location", "Preference-Applied", "Retry-After", "OData-Version",
        SUPERSEDED_FIELDS_HEADER,
      ],
      maxAge: 600,
    }),
  );

  const auth = createAuthentication(deps);
  const api = new Hono<AppEnv>();
  // Before any route, so no path can be reached with an action token by accident.
  api.use("*", auth.actionTokens);
  // Literal paths first: support's `/me/notifications/events` and `…/accessLog`
  // and the endpoints' `/me/notifications/subscriptions` must match before
  // `/me/notifications/:id` can take them for an id.
  api.route("/", supportRoutes(deps, auth));
  api.route("/", endpointRoutes(deps, auth));
  api.route("/", notificationRoutes(deps, auth));
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
