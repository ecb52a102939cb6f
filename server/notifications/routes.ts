// /me/notifications and /users/{id}/notifications: thin handlers that parse
// (zod, OData options), authorize, call the domain and shape Graph's answer.
import type { Hono } from "hono";
import { PLATFORM_TYPES } from "../../contracts/notification";
import {
  bulkChange,
  countNotifications,
  createNotification,
  currentChangeSeq,
  deleteNotification,
  deltaPage,
  getNotification,
  listNotifications,
  patchNotification,
  purgeExpired,
  type Actor,
  type Owner,
} from "./service";
import { parseActionTime } from "./action-time";
import { findEndpointOwner } from "../endpoints/service";
import { parseIsoDateTime } from "./filter";
import { findUserByUpnQuery } from "./queries";
import type { AppContext, AppDeps, AppEnv } from "../http/app";
import { GUID, type Principal } from "../http/auth";
import { GraphError, badRequest, methodNotAllowed, notFound } from "../http/graph-error";
import { odataJson, toCreatedResponse, toResource } from "./resource";
import {
  listShape,
  parseCount,
  parseFilterOption,
  parseOrderBy,
  parseSearch,
  parseTop,
  queryOptions,
} from "../http/odata-query";
import { PageTokenError, decodeListPosition, encodeListPosition, type ListPosition } from "../http/page-token";
import { readJsonObject } from "../http/read-body";
import {
  DEFAULT_EXPIRATION_DAYS,
  MAX_EXPIRATION_DAYS,
  PATCH_READ_ONLY,
  bulkActionSchema,
  parseBody,
  patchNotificationSchema,
  postNotificationSchema,
} from "../http/schemas";

const DAY_MS = 86_400_000;
const ENDPOINT_ID = /^[\x21-\x7e]{1,128}$/;
/** How long a delta token stays usable: the history window. */
export const DELTA_RETENTION_MS = 30 * DAY_MS;
const DEFAULT_DELTA_PAGE = 100;
const MAX_DELTA_PAGE = 1000;

type User = Extract<Principal, { kind: "user" }>;

export function registerNotificationRoutes(api: Hono<AppEnv>, deps: AppDeps): void {
  const { db, tokens } = deps;
  const origin = (c: AppContext) => deps.config.publicOrigin ?? new URL(c.req.url).origin;
  const base = (c: AppContext) => `${origin(c)}${deps.config.basePath}`;
  const contextUrl = (c: AppContext, userId: string, suffix = "") =>
    `${base(c)}/$metadata#users('${userId}')/notifications${suffix}`;

  /** One notification as Graph returns an entity: its context, the resource, and its ETag header. */
  function entity(c: AppContext, u: { userId: string }, row: Parameters<typeof toResource>[0], now: Date): Response {
    const resource = toResource(row, now);
    return odataJson(200, { "@odata.context": contextUrl(c, u.userId, "/$entity"), ...resource }, {
      ETag: resource["@odata.etag"] as string,
    });
  }

  /** The caller; an action token only where the route says so (the app's gate already allows one route). */
  async function principal(c: AppContext): Promise<Exclude<Principal, { kind: "action" }>>;
  async function principal(c: AppContext, allowAction: true): Promise<Principal>;
  async function principal(c: AppContext, allowAction = false): Promise<Principal> {
    const p = await deps.authenticate(c.req.header("authorization"), c.get("now"));
    if (p.kind === "action" && !allowAction) {
      throw new GraphError("accessDenied", "An action token may only PATCH the notification it was issued for.");
    }
    if (p.kind === "user") await deps.touchUser(p, c.get("now"));
    return p;
  }

  /** The signed-in user for /me routes; app-only tokens have no "me" to read. */
  async function me(c: AppContext): Promise<User> {
    return userOf(c, await principal(c));
  }

  /** The caller as a /me user (due snoozes woken first), from a principal already authenticated. */
  async function userOf(c: AppContext, p: Principal): Promise<User> {
    if (p.kind !== "user") throw new GraphError("accessDenied", "An app-only token cannot use /me; use /users/{id}.");
    await deps.snoozes.wakeIfDue(c.get("now"));
    return p;
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
    const now = c.get("now");
    let expiration = new Date(now.getTime() + DEFAULT_EXPIRATION_DAYS * DAY_MS);
    if (body.expirationDateTime != null) {
      expiration = new Date(body.expirationDateTime);
      if (expiration.getTime() <= now.getTime()) throw badRequest("expirationDateTime is in the past");
      if (expiration.getTime() > now.getTime() + MAX_EXPIRATION_DAYS * DAY_MS) {
        throw badRequest("expirationDateTime is more than 30 days away");
      }
    }
    const visual = body.payload.visualContent ?? null;
    const platformTypes = body.targetPolicy ? [...new Set(body.targetPolicy.platformTypes)] : [...PLATFORM_TYPES];
    const { row } = await createNotification(
      db,
      {
        ...owner,
        targetHostName: body.targetHostName,
        appNotificationId: body.appNotificationId ?? null,
        groupName: body.groupName ?? null,
        title: visual?.title ?? null,
        body: visual?.body ?? null,
        rawContent: body.payload.rawContent ?? null,
        priority: body.priority ?? (visual ? "High" : "None"),
        displayUntil: body.displayTimeToLive != null ? new Date(now.getTime() + body.displayTimeToLive * 1000) : null,
        expiration,
        platformTypes,
        fallbackPolicy: body.fallbackPolicy ?? null,
        now,
      },
      actor,
    );
    deps.noteWrites(1);
    return odataJson(201, toCreatedResponse(row, deps.now(), contextUrl(c, owner.userId, "/$entity")), {
      Location: `${base(c)}/users/${owner.userId}/notifications/${row.id}`,
    });
  }

  api.post("/me/notifications", async (c) => {
    const p = await principal(c);
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

  api.post("/users/:userId/notifications", async (c) => {
    const p = await principal(c);
    if (p.kind !== "app" || !p.canSendToAll) {
      throw new GraphError("accessDenied", "Sending to another user needs an app-only token with Notifications.Send.All.");
    }
    const userId = await resolveUser(p.tenantId, c.req.param("userId"));
    return create(c, { tenantId: p.tenantId, userId }, { kind: "app", id: p.appId, endpointId: null });
  });

  // Support access (read-only views of another user's inbox) comes with the
  // audit log, which must record every such read; until then it is refused.
  api.get("/users/:userId/notifications", async (c) => {
    await principal(c);
    throw new GraphError("accessDenied", "Reading another user's notifications is not available.");
  });
  api.all("/users/:userId/notifications", methodNotAllowed("POST"));

  // ---- read -----------------------------------------------------------------

  async function list(c: AppContext, u: User): Promise<Response> {
    const url = new URL(c.req.url);
    const q = queryOptions(url, ["$top", "$filter", "$orderby", "$count", "$search", "$skiptoken"]);
    const top = parseTop(q.get("$top"));
    const filters = parseFilterOption(q.get("$filter"));
    const order = parseOrderBy(q.get("$orderby"));
    const withCount = parseCount(q.get("$count"));
    const search = parseSearch(q.get("$search"));
    const binding = `${u.tenantId}|${u.userId}|${listShape(filters, order, search)}`;
    let after: ListPosition | undefined;
    const skiptoken = q.get("$skiptoken");
    if (skiptoken !== undefined) {
      try {
        after = decodeListPosition(tokens, binding, skiptoken);
      } catch (err) {
        if (err instanceof PageTokenError) throw badRequest("$skiptoken is not valid for this query.");
        throw err;
      }
    }
    const now = c.get("now");
    const criteria = { ...ownerOf(u), now, filters, search };
    const rows = await listNotifications(db, { ...criteria, order, limit: top + 1, after });
    const page = rows.slice(0, top);
    const body: Record<string, unknown> = { "@odata.context": contextUrl(c, u.userId) };
    if (withCount) body["@odata.count"] = await countNotifications(db, criteria);
    body.value = page.map((r) => toResource(r, now));
    if (rows.length > top) {
      const last = page[page.length - 1]!;
      const next = new URL(`${base(c)}/me/notifications`);
      for (const [k, v] of q) if (k !== "$skiptoken") next.searchParams.set(k, v);
      next.searchParams.set("$skiptoken", encodeListPosition(tokens, binding, { created: last.created, id: last.id }));
      body["@odata.nextLink"] = next.toString();
    }
    return odataJson(200, body);
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
    const url = new URL(c.req.url);
    const q = queryOptions(url, ["$deltatoken", "$skiptoken"]);
    if (q.size > 1) throw badRequest("Use either $deltatoken or $skiptoken, not both.");
    const now = c.get("now");
    const owner = ownerOf(u);
    const binding = `${u.tenantId}|${u.userId}`;

    let pageSize = DEFAULT_DELTA_PAGE;
    let preferenceApplied: string | undefined;
    const prefer = /(?:^|[,;\s])odata\.maxpagesize\s*=\s*(\d{1,7})(?:$|[,;\s])/i.exec(c.req.header("prefer") ?? "");
    if (prefer) {
      const n = Number(prefer[1]);
      if (n >= 1) {
        pageSize = Math.min(n, MAX_DELTA_PAGE);
        preferenceApplied = `odata.maxpagesize=${pageSize}`;
      }
    }

    // A round covers changes in (after, upTo]; initial rounds list live items only.
    let state: { initial: boolean; after: string; upTo: string; started: number };
    const decode = (kind: string, token: string) => {
      try {
        return tokens.decode(kind, binding, token);
      } catch (err) {
        if (err instanceof PageTokenError) throw badRequest(`${kind === "delta" ? "$deltatoken" : "$skiptoken"} is not valid.`);
        throw err;
      }
    };
    const checkAge = (started: unknown) => {
      if (typeof started !== "number") throw badRequest("The delta token is not valid.");
      if (now.getTime() - started > DELTA_RETENTION_MS) {
        throw new GraphError("resyncRequired", "The delta token has expired; start again without a token.");
      }
      return started;
    };
    const seqOf = (v: unknown) => {
      if (typeof v !== "string" || !/^\d{1,19}$/.test(v)) throw badRequest("The delta token is not valid.");
      return v;
    };
    const deltaToken = q.get("$deltatoken");
    const skipToken = q.get("$skiptoken");
    if (skipToken !== undefined) {
      const d = decode("deltaPage", skipToken);
      state = { initial: d.i === true, after: seqOf(d.a), upTo: seqOf(d.u), started: checkAge(d.t) };
    } else {
      const since = deltaToken !== undefined ? decode("delta", deltaToken) : undefined;
      const started = since ? checkAge(since.t) : now.getTime();
      // Expired rows leave now, so this round can report them as removed.
      await purgeExpired(db, now, owner);
      const upTo = await currentChangeSeq(db);
      state = since
        ? { initial: false, after: seqOf(since.s), upTo, started: now.getTime() }
        : { initial: true, after: "0", upTo, started };
    }

    const { entries, continueAfter } = await deltaPage(
      db,
      { ...owner, now, after: state.after, upTo: state.upTo, limit: pageSize },
      state.initial,
    );
    const body: Record<string, unknown> = {
      "@odata.context": `${base(c)}/$metadata#Collection(notification)`,
      value: entries.map((e) => (e.kind === "changed" ? toResource(e.row, now) : { id: e.id, "@removed": { reason: "deleted" } })),
    };
    const link = new URL(`${base(c)}/me/notifications/delta`);
    if (continueAfter !== undefined) {
      link.searchParams.set(
        "$skiptoken",
        tokens.encode("deltaPage", binding, { i: state.initial, a: continueAfter, u: state.upTo, t: state.started }),
      );
      body["@odata.nextLink"] = link.toString();
    } else {
      link.searchParams.set("$deltatoken", tokens.encode("delta", binding, { s: state.upTo, t: state.started }));
      body["@odata.deltaLink"] = link.toString();
    }
    return odataJson(200, body, preferenceApplied ? { "Preference-Applied": preferenceApplied } : {});
  }

  api.get("/me/notifications", async (c) => list(c, await me(c)));
  api.all("/me/notifications", methodNotAllowed("GET, POST"));

  api.get("/me/notifications/delta", async (c) => delta(c, await me(c)));
  api.all("/me/notifications/delta", methodNotAllowed("GET"));

  // ---- bulk -----------------------------------------------------------------

  for (const action of ["markAllAsRead", "dismissAll"] as const) {
    api.post(`/me/notifications/${action}`, async (c) => {
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
    api.all(`/me/notifications/${action}`, methodNotAllowed("POST"));
  }

  // ---- one item -------------------------------------------------------------

  api.get("/me/notifications/:id", async (c) => {
    if (c.req.param("id") === "$count") return count(c, await me(c));
    const u = await me(c);
    queryOptions(new URL(c.req.url), []);
    const now = c.get("now");
    const row = await getNotification(db, ownerOf(u), notificationId(c), now);
    if (!row) throw notFound();
    return entity(c, u, row, now);
  });

  api.patch("/me/notifications/:id", async (c) => {
    if (c.req.param("id") === "$count") methodNotAllowed("GET")(c);
    // A push payload's action token acts for its user, attributed to the
    // endpoint it was minted for (X-Endpoint-Id cannot re-attribute it).
    const p = await principal(c, true);
    let owner: Owner;
    let actingEndpoint: () => string | null;
    if (p.kind === "action") {
      if (c.req.param("id").toLowerCase() !== p.notificationId) {
        throw new GraphError("accessDenied", "An action token may only PATCH the notification it was issued for.");
      }
      owner = { tenantId: p.tenantId, userId: p.userId };
      actingEndpoint = () => p.endpointId;
    } else {
      const u = await userOf(c, p);
      owner = ownerOf(u);
      actingEndpoint = () => endpointId(c);
    }
    queryOptions(new URL(c.req.url), []);
    const id = notificationId(c);
    const body = parseBody(patchNotificationSchema, await readJsonObject(c.req.raw), PATCH_READ_ONLY);
    const now = c.get("now");
    const action = parseActionTime(c.req.header("x-action-time"), now, (s) => parseIsoDateTime(s) !== undefined);
    if (!action.ok) throw badRequest(action.message);
    let snoozedUntil: Date | null | undefined;
    if (body.userActionState !== undefined) {
      snoozedUntil = body.snoozedUntilDateTime != null ? new Date(body.snoozedUntilDateTime) : null;
      if (snoozedUntil && snoozedUntil.getTime() <= now.getTime()) throw badRequest("snoozedUntilDateTime must be in the future");
    }
    const outcome = await patchNotification(db, owner, id, {
      change: { readState: body.readState, userActionState: body.userActionState, snoozedUntil },
      ifMatch: c.req.header("if-match"),
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
        return entity(c, owner, outcome.row, now);
      }
    }
  });

  api.delete("/me/notifications/:id", async (c) => {
    if (c.req.param("id") === "$count") methodNotAllowed("GET")(c);
    const u = await me(c);
    queryOptions(new URL(c.req.url), []);
    const id = notificationId(c);
    const now = c.get("now");
    const deleted = await deleteNotification(db, ownerOf(u), id, now, { kind: "user", id: u.userId, endpointId: endpointId(c) });
    if (!deleted) throw notFound();
    deps.noteWrites(1);
    return new Response(null, { status: 204 });
  });
  api.all("/me/notifications/:id", methodNotAllowed("GET, PATCH, DELETE"));
}
