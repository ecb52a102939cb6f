// The Hono app: request ids, CORS, Graph errors for everything (unknown routes
// and wrong methods included), and each resource's sub-app under basePath.
import { randomUUID } from "node:crypto";
import { Hono } from "hono";
import { matchedRoutes } from "hono/route";
import { getPath } from "hono/utils/url";
import { endpointRoutes } from "../endpoints/routes";
import { notificationRoutes } from "../notifications/routes";
import { supportRoutes } from "../support/routes";
import { openApiRoutes } from "../openapi/routes";
import type { AppContext, AppDeps, AppEnv } from "./env";
import { GraphError, echoableClientRequestId, graphErrorResponse } from "./graph-error";
import { createAuthentication } from "./middleware/auth";
import { cors } from "./cors";
import { batchRoutes, reuseBatchCaller } from "./batch";
import { StoreUnavailableError } from "../store/db";

function errorResponse(c: AppContext, err: GraphError): Response {
  return graphErrorResponse(err, c.get("requestId"), c.get("clientRequestId"));
}

/** Seconds a caller is asked to wait while the store cannot be reached. */
const STORE_RETRY_AFTER_SECONDS = "5";

/** The store failure behind `err`, if it is one (itself or a cause). */
function storeUnavailable(err: unknown): StoreUnavailableError | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof StoreUnavailableError) return e;
  }
  return undefined;
}

/**
 * The route pattern a request matched, without the base path
 * (`/me/notifications/:id`): the first route of its own (not a `*`
 * middleware) among those matched; `unmatched` when none is.
 */
function routeLabel(c: AppContext, basePath: string): string {
  const route = matchedRoutes(c).find((r) => !r.path.endsWith("*"))?.path;
  if (route === undefined) return "unmatched";
  return route.startsWith(`${basePath}/`) ? route.slice(basePath.length) : route;
}

/**
 * The path the routes see: Hono's (percent-escapes decoded as `decodeURI` does), and `%24` as `$` too.
 * `decodeURI` keeps reserved characters escaped, but clients that escape `$` (`/%24batch`,
 * `/me/notifications/%24count`) mean the same segments as Graph's `$batch` and `$count`.
 */
function routingPath(request: Request): string {
  const path = getPath(request);
  return path.includes("%") ? path.replace(/%24/gi, "$") : path;
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>({ getPath: routingPath });

  const observe = deps.observeRequest;
  if (observe) {
    app.use("*", async (c, next) => {
      const start = performance.now();
      await next();
      observe({ route: routeLabel(c, deps.config.basePath), method: c.req.method, status: c.res.status, seconds: (performance.now() - start) / 1000 });
    });
  }

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

  app.use("*", cors);

  const auth = createAuthentication(reuseBatchCaller(deps));
  const api = new Hono<AppEnv>();
  // Before any route, so no path can be reached with an action token by accident.
  api.use("*", auth.actionTokens);
  // Literal paths first: support's `/me/notifications/events` and `…/accessLog`
  // and the endpoints' `/me/notifications/subscriptions` must match before
  // `/me/notifications/:id` can take them for an id.
  api.route("/", supportRoutes(deps, auth));
  api.route("/", endpointRoutes(deps, auth));
  api.route("/", notificationRoutes(deps, auth));
  api.route("/", batchRoutes(deps, auth, app.fetch));
  // Public: the OpenAPI description (server/openapi/).
  api.route("/", openApiRoutes(deps));
  app.route(deps.config.basePath, api);

  app.notFound((c) => errorResponse(c, new GraphError("itemNotFound", `Resource not found for the segment '${new URL(c.req.url).pathname}'.`)));

  app.onError((err, c) => {
    if (err instanceof GraphError) return errorResponse(c, err);
    // The database is down, restarting or refusing connections: a retry may succeed.
    const unavailable = storeUnavailable(err);
    if (unavailable) {
      console.warn(`[service] request ${c.get("requestId")} ${c.req.method} ${c.req.path}: ${unavailable.message}`);
      return errorResponse(
        c,
        new GraphError("serviceNotAvailable", "The notifications service cannot reach its store; try again shortly.", { "Retry-After": STORE_RETRY_AFTER_SECONDS }),
      );
    }
    // Anything else is our bug: log it with the request id, answer Graph's 500.
    console.error(`[service] request ${c.get("requestId")} ${c.req.method} ${c.req.path} failed:`, err);
    return errorResponse(c, new GraphError("generalException", "An unexpected error occurred."));
  });

  return app;
}
