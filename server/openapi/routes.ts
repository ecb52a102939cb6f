// GET {basePath}/openapi.json: the service's OpenAPI description, public (no
// token), for app-server developers and the API reference page (/api-reference).
// The document is built once per process; only `servers` follows the caller:
// APP_ORIGIN when set, else the request's origin, plus the base path.
import { Hono } from "hono";
import type { AppContext, AppDeps, AppEnv } from "../http/env";
import { methodNotAllowed } from "../http/graph-error";
import { queryOptions } from "../http/odata-query";
import { openApiDocument } from "./document";

export function openApiRoutes(deps: Pick<AppDeps, "config">): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  /** The document's JSON before and after `servers`, serialized once. */
  let template: [string, string] | undefined;

  routes.get("/openapi.json", (c: AppContext) => {
    queryOptions(new URL(c.req.url), []);
    if (template === undefined) {
      const { openapi, ...rest } = openApiDocument();
      template = [`{"openapi":${JSON.stringify(openapi)},"servers":`, `,${JSON.stringify(rest).slice(1)}`];
    }
    const origin = deps.config.publicOrigin ?? new URL(c.req.url).origin;
    const servers = JSON.stringify([{ url: `${origin}${deps.config.basePath}`, description: "This service" }]);
    return new Response(`${template[0]}${servers}${template[1]}`, {
      status: 200,
      headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=300" },
    });
  });
  routes.all("/openapi.json", methodNotAllowed("GET"));

  return routes;
}
