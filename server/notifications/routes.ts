// /me/notifications and /users/{id}/notifications: thin handlers that parse
// (zod, OData options), call the domain and shape Graph's answer. The caller
// comes from the auth middleware (c.var.principal), read through its guards.
import { Hono } from "hono";
import {
  bulkChange,
  countNotifications,
  createNotification,
  deleteNotification,
  getNotification,
  InboxFullError,
  patchNotification,
  stateChangeFrom,
  type Actor,
  type NotificationRow,
  type Owner,
} from "./service";
import { ACTION_TIME_HEADER, SUPERSEDED_FIELDS_HEADER } from "../../contracts/notification";
import { parseActionTime } from "./action-time";
import { newNotificationFrom } from "./defaults";
import { deltaPageSize, deltaRound } from "./delta";
import { findEndpointOwner } from "../endpoints/service";
import { parseIsoDateTime } from "./filter";
import { findUserByUpnQuery } from "./queries";
import type { AppContext, AppDeps, AppEnv } from "../http/env";
import { GUID, bearerExpiry } from "../http/authenticate";
import { formatMessage, type StreamMessage } from "./stream";
import { GraphError, badRequest, methodNotAllowed, notFound } from "../http/graph-error";
import { requireApp, requireCaller, requirePrincipal, requireUser, type Authentication, type User } from "../http/middleware/auth";
import { odataJson } from "../http/odata-json";
import { listPage } from "./list";
import { etagger, toCreatedResponse, toResource } from "./resource";
import { parseFilterOption, parseSearch, queryOptions } from "../http/odata-query";
import { readJsonObject } from "../http/read-body";
import { parseBody } from "../http/parse-body";
import { PATCH_READ_ONLY, bulkActionSchema, patchNotificationSchema, postNotificationSchema } from "./schemas";

const ENDPOINT_ID = /^[\x21-\x7e]{1,128}$/;
/** Bytes a stream may queue for a slow reader before it is closed (it resumes with Last-Event-ID). */
const STREAM_MAX_BUFFER_BYTES = 4 * 1024 * 1024;

export function notificationRoutes(deps: AppDeps, { signedIn }: Pick<Authentication, "signedIn">): Hono<AppEnv> {
  const { db, tokens } = deps;
  const etagOf = etagger(tokens);
  const routes = new Hono<AppEnv>();
  const origin = (c: AppContext) => deps.config.publicOrigin ?? new URL(c.req.url).origin;
  const base = (c: AppContext) => `${origin(c)}${deps.config.basePath}`;
  const contextUrl = (c: AppContext, userId: string, suffix = "") =>
    `${base(c)}/$metadata#users('${userId}')/notifications${suffix}`;

  /** One notification as Graph returns an entity: its context, the resource, and its ETag header. */
  function entity(c: AppContext, u: { userId: string }, row: Parameters<typeof toResource>[0], now: Date): Response {
    const resource = toResource(row, now, etagOf);
    return odataJson(200, { "@odata.context": contextUrl(c, u.userId, "/$entity"), ...resource }, {
      ETag: resource["@odata.etag"] as string,
    });
  }

  /** The signed-in user of a /me route (app-only tokens have no "me"), due snoozes woken first. */
  async function me(c: AppContext): Promise<User> {
    const u = requireUser(c, "An app-only token cannot use /me; use /users/{id}.");
    await deps.snoozes.wakeIfDue(c.get("now"));
    return u;
  }

  function endpointId(c: AppContext): string | null {
    const v = c.req.header("x-endpoint-id");
    if (v === undefined || v === "") return null;
    if (!ENDPOINT_ID.test(v)) throw badRequest("X-Endpoint-Id must be 1-128 visible ASCII characters.");
    return v;
  }

  const ownerOf = (u: User): Owner => ({ tenantId: u.tenantId, userId: u.userId });

  function notificationId(c: AppContext): string {
    const id = c.req.param("id") ?? "";
    // Not a GUID cannot be anyone's notification: same answer as a missing one.
    if (!GUID.test(id)) throw notFound();
    return id.toLowerCase();
  }

  /** `{id}` of /users/{id}: an object id (seen or not), or the UPN of a user already seen. */
  async function resolveUser(tenantId: string, idOrUpn: string): Promise<string> {
    if (GUID.test(idOrUpn)) return idOrUpn.toLowerCase();
    if (idOrUpn.includes("@") && idOrUpn.length <= 256 && !idOrUpn.includes("\u0000")) {
      const sql = findUserByUpnQuery(tenantId, idOrUpn);
      const row = (await db.query<{ id: string }>(sql.text, sql.params)).rows[0];
      if (row) return row.id;
    }
    throw notFound(`User '${idOrUpn}' was not found.`);
  }

  // ---- create ---------------------------------------------------------------

  async function create(c: AppContext, owner: Owner, actor: Actor): Promise<Response> {
    queryOptions(new URL(c.req.url), []);
    const body = parseBody(postNotificationSchema, await readJsonObject(c.req.raw));
    const input = newNotificationFrom(body, owner, c.get("now"));
    if (!input.ok) throw badRequest(input.message);
    // Every sender's notifications to this user together (the caller's own limit was met in the auth middleware).
    await deps.rateLimits.consumeRecipient(owner);
    let row: NotificationRow;
    try {
      ({ row } = await createNotification(db, input.value, actor, deps.config.maxActiveNotifications));
    } catch (err) {
      if (!(err instanceof InboxFullError)) throw err;
      throw new GraphError(
        "quotaLimitReached",
        `The user already holds ${err.cap.toLocaleString("en-US")} live notifications, the most allowed; delete some, or let them expire, first.`,
      );
    }
    deps.noteWrites(1);
    return odataJson(201, toCreatedResponse(row, deps.now(), contextUrl(c, owner.userId, "/$entity")), {
      Location: `${base(c)}/users/${owner.userId}/notifications/${row.id}`,
    });
  }

  routes.post("/me/notifications", signedIn, async (c) => {
    const p = requireCaller(c);
    if (p.kind === "user") return create(c, ownerOf(p), { kind: "user", id: p.userId, endpointId: endpointId(c) });
    if (!p.canSendToAll) throw new GraphError("accessDenied", "The app lacks the Notifications.Send.All role.");
    // App servers address /me through one of the user's endpoints (X-UNS-ID),
    // as Graph did. Unknown, expired and other tenants' ids get one answer.
    const uns = c.req.header("x-uns-id");
    if (!uns) {
      throw new GraphError("accessDenied", "An app-only token must name the recipient in X-UNS-ID, or POST to /users/{id}/notifications.");
    }
    const unknown = () => notFound(`X-UNS-ID '${uns.slice(0, 64)}' does not name a known endpoint subscription.`);
    if (!GUID.test(uns.trim())) throw unknown();
    const owner = await findEndpointOwner(db, p.tenantId, uns.trim().toLowerCase(), c.get("now"));
    if (!owner) throw unknown();
    return create(c, owner, { kind: "app", id: p.appId, endpointId: null });
  });

  routes.post("/users/:userId/notifications", signedIn, async (c) => {
    const sendToUsers = "Sending to another user needs an app-only token with Notifications.Send.All.";
    const p = requireApp(c, sendToUsers);
    if (!p.canSendToAll) throw new GraphError("accessDenied", sendToUsers);
    const userId = await resolveUser(p.tenantId, c.req.param("userId"));
    return create(c, { tenantId: p.tenantId, userId }, { kind: "app", id: p.appId, endpointId: null });
  });

  // GET (support's read-only view) is server/support/routes.ts, mounted first.
  routes.all("/users/:userId/notifications", methodNotAllowed("GET, POST"));

  // ---- read -----------------------------------------------------------------

  async function list(c: AppContext, u: User): Promise<Response> {
    return odataJson(200, await listPage(c, deps, { owner: ownerOf(u), db, path: "/me/notifications" }));
  }

  async function count(c: AppContext, u: User): Promise<Response> {
    const q = queryOptions(new URL(c.req.url), ["$filter", "$search"]);
    const n = await countNotifications(db, {
      ...ownerOf(u),
      now: c.get("now"),
      filters: parseFilterOption(q.get("$filter")),
      search: parseSearch(q.get("$search")),
    });
    return new Response(String(n), { status: 200, headers: { "Content-Type": "text/plain; charset=utf-8", "OData-Version": "4.0" } });
  }

  async function delta(c: AppContext, u: User): Promise<Response> {
    const q = queryOptions(new URL(c.req.url), ["$deltatoken", "$skiptoken"]);
    if (q.size > 1) throw badRequest("Use either $deltatoken or $skiptoken, not both.");
    const now = c.get("now");
    const { pageSize, applied } = deltaPageSize(c.req.header("prefer"));
    const { entries, next } = await deltaRound(db, tokens, {
      owner: ownerOf(u),
      now,
      deltaToken: q.get("$deltatoken"),
      skipToken: q.get("$skiptoken"),
      pageSize,
    });
    const body: Record<string, unknown> = {
      "@odata.context": `${base(c)}/$metadata#Collection(notification)`,
      value: entries.map((e) => (e.kind === "changed" ? toResource(e.row, now, etagOf) : { id: e.id, "@removed": { reason: "deleted" } })),
    };
    const link = new URL(`${base(c)}/me/notifications/delta`);
    if (next.kind === "skip") {
      link.searchParams.set("$skiptoken", next.token);
      body["@odata.nextLink"] = link.toString();
    } else {
      link.searchParams.set("$deltatoken", next.token);
      body["@odata.deltaLink"] = link.toString();
    }
    return odataJson(200, body, applied ? { "Preference-Applied": applied } : {});
  }

  // ---- the live stream ------------------------------------------------------

  routes.get("/me/notifications/stream", signedIn, async (c) => {
    const u = await me(c);
    queryOptions(new URL(c.req.url), []);
    const lastEventId = c.req.header("last-event-id") || undefined;
    const expires = bearerExpiry(c.req.header("authorization"));
    const signal = c.req.raw.signal;
    const encoder = new TextEncoder();
    let stop: (() => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    let ended = false;
    const body = new ReadableStream<Uint8Array>(
      {
        async start(controller) {
          const end = () => {
            if (ended) return;
            ended = true;
            stop?.();
            if (timer) clearTimeout(timer);
            signal.removeEventListener("abort", end);
            try {
              controller.close();
            } catch {
              // Already closed or errored by the reader going away.
            }
          };
          const send = (m: StreamMessage) => {
            if (ended) return;
            // A reader this far behind resumes later with Last-Event-ID instead of holding memory here.
            if ((controller.desiredSize ?? 0) < -STREAM_MAX_BUFFER_BYTES) return end();
            try {
              controller.enqueue(encoder.encode(formatMessage(m)));
            } catch {
              end();
            }
          };
          // EventSource's reconnection delay, then the stream.
          controller.enqueue(encoder.encode("retry: 3000\n\n"));
          signal.addEventListener("abort", end);
          // The hub ends it when the service stops, so the client reconnects.
          stop = await deps.stream.open(ownerOf(u), lastEventId, send, end);
          // The reader left while the hub was opening it: cancel() ran before `stop` existed, and
          // end() would return at once, so the hub's registration is undone here or never.
          if (ended) return stop();
          if (signal.aborted) return end();
          // The stream lives as long as the token that opened it: the client reconnects with a fresh one.
          if (expires) timer = setTimeout(end, Math.max(0, Math.min(expires.getTime() - Date.now(), 2 ** 31 - 1))).unref();
        },
        cancel() {
          ended = true;
          stop?.();
          if (timer) clearTimeout(timer);
        },
      },
      new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }),
    );
    return new Response(body, {
      status: 200,
      headers: {
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-cache, no-transform",
        "X-Accel-Buffering": "no",
      },
    });
  });
  routes.all("/me/notifications/stream", methodNotAllowed("GET"));

  routes.get("/me/notifications", signedIn, async (c) => list(c, await me(c)));
  routes.all("/me/notifications", methodNotAllowed("GET, POST"));

  routes.get("/me/notifications/delta", signedIn, async (c) => delta(c, await me(c)));
  routes.all("/me/notifications/delta", methodNotAllowed("GET"));

  // ---- bulk -----------------------------------------------------------------

  for (const action of ["markAllAsRead", "dismissAll"] as const) {
    routes.post(`/me/notifications/${action}`, signedIn, async (c) => {
      const u = await me(c);
      queryOptions(new URL(c.req.url), []);
      const body = parseBody(bulkActionSchema, await readJsonObject(c.req.raw, { emptyAs: {} }));
      const now = c.get("now");
      const updated = await bulkChange(db, {
        ...ownerOf(u),
        action,
        now,
        createdUpTo: now,
        before: body.before !== undefined ? new Date(body.before) : undefined,
        groupName: body.groupName,
        actorId: u.userId,
        endpointId: endpointId(c),
      });
      deps.noteWrites(updated);
      return odataJson(200, { updated });
    });
    routes.all(`/me/notifications/${action}`, methodNotAllowed("POST"));
  }

  // ---- one item -------------------------------------------------------------

  /** `$count` is a read-only path segment: other methods are 405 before anyone is authenticated. */
  const countIsReadOnly = async (c: AppContext, next: () => Promise<void>) => {
    if (c.req.param("id") === "$count") methodNotAllowed("GET")(c);
    await next();
  };

  routes.get("/me/notifications/:id", signedIn, async (c) => {
    if (c.req.param("id") === "$count") return count(c, await me(c));
    const u = await me(c);
    queryOptions(new URL(c.req.url), []);
    const now = c.get("now");
    const row = await getNotification(db, ownerOf(u), notificationId(c), now);
    if (!row) throw notFound();
    return entity(c, u, row, now);
  });

  routes.patch("/me/notifications/:id", countIsReadOnly, signedIn, async (c) => {
    // A push payload's action token (the middleware let it through for its own
    // notification only) acts for its user, attributed to the endpoint it was
    // minted for (X-Endpoint-Id cannot re-attribute it).
    const p = requirePrincipal(c);
    let owner: Owner;
    let actingEndpoint: () => string | null;
    if (p.kind === "action") {
      owner = { tenantId: p.tenantId, userId: p.userId };
      actingEndpoint = () => p.endpointId;
    } else {
      owner = ownerOf(await me(c));
      actingEndpoint = () => endpointId(c);
    }
    queryOptions(new URL(c.req.url), []);
    const id = notificationId(c);
    const body = parseBody(patchNotificationSchema, await readJsonObject(c.req.raw), PATCH_READ_ONLY);
    const now = c.get("now");
    const action = parseActionTime(c.req.header(ACTION_TIME_HEADER), now, (s) => parseIsoDateTime(s) !== undefined);
    if (!action.ok) throw badRequest(action.message);
    const change = stateChangeFrom(body, now);
    if (!change.ok) throw badRequest(change.message);
    const outcome = await patchNotification(db, owner, id, {
      change: change.value,
      ifMatch: c.req.header("if-match"),
      etagOf,
      actionTime: action.at,
      now,
      actor: { kind: "user", id: owner.userId, endpointId: actingEndpoint() },
    });
    switch (outcome.kind) {
      case "notFound":
        throw notFound();
      case "preconditionFailed":
        throw new GraphError("resourceModified", "The notification has changed since the ETag in If-Match.");
      case "invalid":
        throw badRequest(outcome.message);
      default: {
        if (outcome.kind === "updated") {
          deps.noteWrites(1);
          if (outcome.row.snoozed_until) deps.snoozes.note(outcome.row.snoozed_until);
        }
        const res = entity(c, owner, outcome.row, now);
        // No change is lost silently: the fields kept because another endpoint changed them later are named.
        if (outcome.superseded.length > 0) res.headers.set(SUPERSEDED_FIELDS_HEADER, outcome.superseded.join(", "));
        return res;
      }
    }
  });

  routes.delete("/me/notifications/:id", countIsReadOnly, signedIn, async (c) => {
    const u = await me(c);
    queryOptions(new URL(c.req.url), []);
    const id = notificationId(c);
    const now = c.get("now");
    const deleted = await deleteNotification(db, ownerOf(u), id, now, { kind: "user", id: u.userId, endpointId: endpointId(c) });
    if (!deleted) throw notFound();
    deps.noteWrites(1);
    return new Response(null, { status: 204 });
  });
  routes.all("/me/notifications/:id", methodNotAllowed("GET, PATCH, DELETE"));

  return routes;
}
