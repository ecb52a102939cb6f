// Endpoints (push subscriptions) of the signed-in user, and the service's VAPID
// key. app.ts mounts this sub-app before the notifications one, so
// `/me/notifications/subscriptions` is never taken for a notification id.
import { Hono } from "hono";
import { deviceNameFromUserAgent } from "../../contracts/device-name";
import { deleteEndpoint, getEndpoint, listEndpoints, registerEndpoint } from "./service";
import { toEndpointResource } from "./resource";
import type { Owner } from "../notifications/queries";
import type { AppContext, AppDeps, AppEnv } from "../http/env";
import { GUID } from "../http/authenticate";
import { badRequest, methodNotAllowed, notFound } from "../http/graph-error";
import { requireUser, type Authentication } from "../http/middleware/auth";
import { odataJson } from "../http/odata-json";
import { queryOptions } from "../http/odata-query";
import { readJsonObject } from "../http/read-body";
import { parseBody } from "../http/parse-body";
import { postSubscriptionSchema } from "./schemas";


export function endpointRoutes(deps: AppDeps, { signedIn }: Pick<Authentication, "signedIn">): Hono<AppEnv> {
  const { db } = deps;
  const routes = new Hono<AppEnv>();
  const base = (c: AppContext) => `${deps.config.publicOrigin ?? new URL(c.req.url).origin}${deps.config.basePath}`;
  const contextUrl = (c: AppContext, userId: string, suffix = "") =>
    `${base(c)}/$metadata#users('${userId}')/notifications/subscriptions${suffix}`;

  /** Endpoints are the signed-in user's own business: app-only tokens are refused (action tokens never get here). */
  function me(c: AppContext): Owner {
    const u = requireUser(c, "An app-only token cannot use /me; endpoints are registered by the user's browser.");
    return { tenantId: u.tenantId, userId: u.userId };
  }

  function endpointIdParam(c: AppContext): string {
    const id = c.req.param("id") ?? "";
    if (!GUID.test(id)) throw notFound();
    return id.toLowerCase();
  }

  // Public: a browser needs it before it can subscribe. Cached briefly, since
  // configured keys may be rotated.
  routes.get("/notifications/vapidPublicKey", (c) => {
    queryOptions(new URL(c.req.url), []);
    return new Response(JSON.stringify({ key: deps.vapidPublicKey }), {
      status: 200,
      headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=300" },
    });
  });
  routes.all("/notifications/vapidPublicKey", methodNotAllowed("GET"));

  /**
   * Register or renew. 201 with a new id when the endpoint is new to this
   * user (first registration, or a push endpoint taken over from another
   * user); 200 with the same id when the user's own endpoint is renewed.
   */
  routes.post("/me/notifications/subscriptions", signedIn, async (c) => {
    const owner = me(c);
    queryOptions(new URL(c.req.url), []);
    const body = parseBody(postSubscriptionSchema, await readJsonObject(c.req.raw));
    const now = c.get("now");
    let push = null;
    if (body.pushSubscription) {
      const sub = body.pushSubscription;
      const service = deps.pushServices.check(sub.endpoint);
      if (!service.allowed) {
        throw badRequest(
          `pushSubscription.endpoint: the push service '${service.origin || "(unparsable)"}' is not on the service's allowlist.`,
        );
      }
      const expiration = sub.expirationTime != null ? new Date(sub.expirationTime) : null;
      if (expiration && expiration.getTime() <= now.getTime()) throw badRequest("pushSubscription.expirationTime is in the past");
      push = { endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth, expiration };
    }
    const outcome = await registerEndpoint(
      db,
      owner,
      {
        platform: body.platform,
        targetHostName: body.targetHostName ?? null,
        appDisplayName: body.appDisplayName ?? null,
        deviceName: body.deviceName ?? deviceNameFromUserAgent(c.req.header("user-agent")),
        push,
        renewId: body.id ?? null,
      },
      now,
    );
    deps.noteWrites(1 + outcome.removed.length);
    return odataJson(
      outcome.created ? 201 : 200,
      { "@odata.context": contextUrl(c, owner.userId, "/$entity"), ...toEndpointResource(outcome.row) },
      { Location: `${base(c)}/me/notifications/subscriptions/${outcome.row.id}` },
    );
  });

  routes.get("/me/notifications/subscriptions", signedIn, async (c) => {
    const owner = me(c);
    queryOptions(new URL(c.req.url), []);
    const rows = await listEndpoints(db, owner, c.get("now"));
    return odataJson(200, { "@odata.context": contextUrl(c, owner.userId), value: rows.map(toEndpointResource) });
  });
  routes.all("/me/notifications/subscriptions", methodNotAllowed("GET, POST"));

  routes.get("/me/notifications/subscriptions/:id", signedIn, async (c) => {
    const owner = me(c);
    queryOptions(new URL(c.req.url), []);
    const row = await getEndpoint(db, owner, endpointIdParam(c), c.get("now"));
    if (!row) throw notFound();
    return odataJson(200, { "@odata.context": contextUrl(c, owner.userId, "/$entity"), ...toEndpointResource(row) });
  });

  routes.delete("/me/notifications/subscriptions/:id", signedIn, async (c) => {
    const owner = me(c);
    queryOptions(new URL(c.req.url), []);
    if (!(await deleteEndpoint(db, owner, endpointIdParam(c), c.get("now")))) throw notFound();
    deps.noteWrites(1);
    return new Response(null, { status: 204 });
  });
  routes.all("/me/notifications/subscriptions/:id", methodNotAllowed("GET, DELETE"));

  return routes;
}
