// CORS for the API: bearer tokens, not cookies, so any origin may call, as with
// Graph itself. Hono's `cors()` sets its headers on `c.res` before the route
// runs, which makes Hono merge that placeholder into the route's answer and
// turn the answer's body into a web stream on every request (about 0.3 ms of
// the ~1 ms a request costs beyond its SQL, measured by `npm run bench:api`).
// Here the headers go on the final answer, errors and 404s included.
import type { MiddlewareHandler } from "hono";
import { ACTION_TIME_HEADER, SUPERSEDED_FIELDS_HEADER } from "../../contracts/notification";
import type { AppEnv } from "./env";

export const CORS_ALLOW_METHODS = ["GET", "POST", "PATCH", "DELETE", "OPTIONS"] as const;
export const CORS_ALLOW_HEADERS = [
  "Authorization", "Content-Type", "Content-Encoding", "If-Match", "Prefer", ACTION_TIME_HEADER,
  "X-Endpoint-Id", "X-Support-Reason", "X-UNS-ID", "client-request-id",
] as const;
export const CORS_EXPOSE_HEADERS = [
  "request-id", "client-request-id", "Date", "ETag", "Location", "Preference-Applied", "Retry-After", "OData-Version",
  SUPERSEDED_FIELDS_HEADER,
] as const;
/** Seconds a browser may reuse a preflight's answer. */
export const CORS_MAX_AGE_SECONDS = 600;

const exposed = CORS_EXPOSE_HEADERS.join(",");
const preflightHeaders = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": CORS_ALLOW_METHODS.join(","),
  "Access-Control-Allow-Headers": CORS_ALLOW_HEADERS.join(","),
  "Access-Control-Expose-Headers": exposed,
  "Access-Control-Max-Age": String(CORS_MAX_AGE_SECONDS),
  Vary: "Access-Control-Request-Headers",
};

export const cors: MiddlewareHandler<AppEnv> = async (c, next) => {
  // A preflight: answered here, before any route or authentication.
  if (c.req.method === "OPTIONS") return c.body(null, 204, preflightHeaders);
  await next();
  c.res.headers.set("Access-Control-Allow-Origin", "*");
  c.res.headers.set("Access-Control-Expose-Headers", exposed);
};
