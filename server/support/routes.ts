// Support and audit (contract: "Support and audit"): read-only views of
// another user of the caller's tenant for support staff, each read logged with
// its reason in the read's own transaction; the event log and the access log
// a user sees about themselves; and the receipts a device's service worker
// posts with a push's action token.
//
// Who may: /users/{id}/… answers the owner as /me/… (not logged); anyone else
// needs a delegated token with the support role (403 otherwise), a reason in
// X-Support-Reason (400 without), and a user of their own tenant (404 for
// another tenant's, exactly as for an unknown one). Nothing here writes a
// user's data: writes to /users/{id}/notifications/… are 403 for everyone.
import { Hono } from "hono";
import {
  SUPPORT_REASON_HEADER,
  SUPPORT_REASON_MAX_LENGTH,
  decodeSupportReason,
  type DirectoryUser,
} from "../../contracts/support";
import type { AppContext, AppDeps, AppEnv } from "../http/env";
import { GUID } from "../http/authenticate";
import { GraphError, badRequest, methodNotAllowed, notFound } from "../http/graph-error";
import { requireCaller, requirePrincipal, requireUser, type Authentication, type User } from "../http/middleware/auth";
import { odataJson } from "../http/odata-json";
import { parseSearch, parseTop, queryOptions } from "../http/odata-query";
import { PageTokenError } from "../http/page-token";
import { parseBody } from "../http/parse-body";
import { readJsonObject } from "../http/read-body";
import { listPage } from "../notifications/list";
import type { Owner } from "../notifications/queries";
import { etagger, toResource } from "../notifications/resource";
import { getNotification } from "../notifications/service";
import { listEndpoints } from "../endpoints/service";
import { toEndpointResource } from "../endpoints/resource";
import type { Queryable } from "../store/db";
import {
  accessLog,
  anyNotification,
  appendAccess,
  deliveryRecords,
  eventLog,
  findSeenUser,
  recordReceipt,
  searchUsers,
  userIdByUpn,
  userSummary,
} from "./service";
import { receiptSchema } from "./schemas";
import type { EventLogPosition } from "./queries";

const NOT_SUPPORT = "Reading another user's data needs a signed-in user with the Notifications.Support.Read role.";
const READ_ONLY = "Support access is read-only: a user changes their own notifications through /me/notifications.";
/** How much of a request's path and query the access log keeps. */
const ROUTE_MAX = 512;
export const DEFAULT_LOG_TOP = 20;

/** Whose data a /users/{id} read is about, and whether the caller reads as support (with the reason to log). */
interface Subject {
  owner: Owner;
  /** null: the caller's own data (answered as /me, not logged). */
  support: { caller: User; reason: string } | null;
  /** The user as the service knows them (support reads only). */
  user: DirectoryUser | null;
}

/** `$filter=<field> eq '<guid>'`, the one filter the logs take. */
function guidFilter(value: string | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  const m = new RegExp(`^\\s*${field}\\s+eq\\s+'([^']*)'\\s*$`).exec(value);
  if (!m) throw badRequest(`$filter supports only ${field} eq '<id>'.`);
  if (!GUID.test(m[1]!)) throw badRequest(`$filter: ${field} must be a GUID.`);
  return m[1]!.toLowerCase();
}

export function supportRoutes(deps: AppDeps, { signedIn }: Pick<Authentication, "signedIn">): Hono<AppEnv> {
  const { db, tokens } = deps;
  const routes = new Hono<AppEnv>();
  const base = (c: AppContext) => `${deps.config.publicOrigin ?? new URL(c.req.url).origin}${deps.config.basePath}`;

  /** The nextLink: this request with `$skiptoken` replaced. */
  function nextLink(c: AppContext, skiptoken: string): string {
    const url = new URL(c.req.url);
    const next = new URL(`${base(c)}${url.pathname.slice(deps.config.basePath.length)}`);
    for (const [k, v] of url.searchParams) if (k !== "$skiptoken") next.searchParams.set(k, v);
    next.searchParams.set("$skiptoken", skiptoken);
    return next.toString();
  }

  function decodeToken(kind: string, binding: string, token: string | undefined): Record<string, unknown> | undefined {
    if (token === undefined) return undefined;
    try {
      return tokens.decode(kind, binding, token);
    } catch (err) {
      if (err instanceof PageTokenError) throw badRequest("$skiptoken is not valid for this query.");
      throw err;
    }
  }

  /** A signed-in support person (app-only tokens and everyone else: 403). */
  function supportCaller(c: AppContext): User {
    const p = requireCaller(c);
    if (p.kind !== "user" || !p.support) throw new GraphError("accessDenied", NOT_SUPPORT);
    return p;
  }

  function reasonOf(c: AppContext): string {
    const raw = c.req.header(SUPPORT_REASON_HEADER);
    const reason = raw === undefined ? "" : decodeSupportReason(raw);
    if (reason === "") {
      throw badRequest(`${SUPPORT_REASON_HEADER} is required: say why you are looking at this user's data (a ticket id or a sentence).`);
    }
    if (reason.length > SUPPORT_REASON_MAX_LENGTH) throw badRequest(`${SUPPORT_REASON_HEADER} is longer than ${SUPPORT_REASON_MAX_LENGTH} characters.`);
    if (/[\u0000-\u001f\u007f]/.test(reason)) throw badRequest(`${SUPPORT_REASON_HEADER} contains control characters.`);
    return reason;
  }

  /**
   * Whose data `/users/{userId}` names: the caller's own (by object id or
   * UPN), or, for support staff with a reason, a user of their tenant.
   */
  async function subjectOf(c: AppContext): Promise<Subject> {
    const p = requireCaller(c);
    if (p.kind !== "user") throw new GraphError("accessDenied", NOT_SUPPORT);
    const param = c.req.param("userId") ?? "";
    const own = GUID.test(param) ? param.toLowerCase() === p.userId : p.upn !== null && param.toLowerCase() === p.upn.toLowerCase();
    if (own) return { owner: { tenantId: p.tenantId, userId: p.userId }, support: null, user: null };
    if (!p.support) throw new GraphError("accessDenied", NOT_SUPPORT);
    const reason = reasonOf(c);
    let userId: string | undefined;
    if (GUID.test(param)) userId = param.toLowerCase();
    else if (param.includes("@") && param.length <= 256) userId = await userIdByUpn(db, p.tenantId, param);
    const owner = userId === undefined ? undefined : { tenantId: p.tenantId, userId };
    const user = owner && (await findSeenUser(db, owner));
    if (!owner || !user) throw notFound(`User '${param.slice(0, 256)}' was not found.`);
    return { owner, support: { caller: p, reason }, user };
  }

  /**
   * Runs a read of a user's data: a support read inside one transaction with
   * its access log entry (an error answers 4xx and writes nothing); the
   * owner's own read as it is.
   */
  async function read(c: AppContext, s: Subject, answer: (q: Queryable) => Promise<Record<string, unknown>>): Promise<Response> {
    const support = s.support;
    if (!support) return odataJson(200, await answer(db));
    const url = new URL(c.req.url);
    const route = `${c.req.method} ${url.pathname.slice(deps.config.basePath.length)}${url.search}`.slice(0, ROUTE_MAX);
    const body = await db.transaction(async (tx) => {
      const b = await answer(tx);
      await appendAccess(tx, {
        tenantId: s.owner.tenantId,
        userId: s.owner.userId,
        at: c.get("now"),
        actorId: support.caller.userId,
        actorUpn: support.caller.upn,
        actorName: support.caller.name,
        route,
        reason: support.reason,
        requestId: c.get("requestId"),
      });
      return b;
    });
    return odataJson(200, body);
  }

  function notificationIdParam(c: AppContext, name = "nid"): string {
    const id = c.req.param(name) ?? "";
    if (!GUID.test(id)) throw notFound();
    return id.toLowerCase();
  }

  // ---- the tenant's users ----------------------------------------------------

  routes.get("/users", signedIn, async (c) => {
    const p = supportCaller(c);
    const q = queryOptions(new URL(c.req.url), ["$search", "$top", "$skiptoken"]);
    const words = q.has("$search") ? parseSearch(q.get("$search")) : [];
    const top = parseTop(q.get("$top") ?? "20");
    const binding = `${p.tenantId}|${words.join(" ").toLowerCase()}`;
    const pos = decodeToken("users", binding, q.get("$skiptoken"));
    const after = pos && typeof pos.k === "string" && typeof pos.i === "string" ? { key: pos.k, id: pos.i } : undefined;
    if (pos && !after) throw badRequest("$skiptoken is not valid for this query.");
    const found = await searchUsers(db, p.tenantId, words, top + 1, after);
    const page = found.slice(0, top);
    const body: Record<string, unknown> = {
      "@odata.context": `${base(c)}/$metadata#users(id,displayName,userPrincipalName,lastSeenDateTime)`,
      value: page.map(({ sortKey: _sortKey, ...u }) => u),
    };
    const last = page[page.length - 1];
    if (found.length > top && last) body["@odata.nextLink"] = nextLink(c, tokens.encode("users", binding, { k: last.sortKey, i: last.id }));
    return odataJson(200, body);
  });
  routes.all("/users", methodNotAllowed("GET"));

  routes.get("/users/:userId", signedIn, async (c) => {
    queryOptions(new URL(c.req.url), []);
    const s = await subjectOf(c);
    const user = s.user ?? (await findSeenUser(db, s.owner)) ?? { id: s.owner.userId, displayName: null, userPrincipalName: null, lastSeenDateTime: null };
    return read(c, s, async (q) => ({
      "@odata.context": `${base(c)}/$metadata#users/$entity`,
      ...(await userSummary(q, user, s.owner, c.get("now"))),
    }));
  });
  routes.all("/users/:userId", methodNotAllowed("GET"));

  // ---- one user's inbox, endpoints and event log ------------------------------

  routes.get("/users/:userId/notifications", signedIn, async (c) => {
    const s = await subjectOf(c);
    await deps.snoozes.wakeIfDue(c.get("now"));
    const path = `/users/${s.owner.userId}/notifications`;
    return read(c, s, (q) => listPage(c, deps, { owner: s.owner, db: q, path }));
  });

  routes.get("/users/:userId/notifications/subscriptions", signedIn, async (c) => {
    queryOptions(new URL(c.req.url), []);
    const s = await subjectOf(c);
    return read(c, s, async (q) => ({
      "@odata.context": `${base(c)}/$metadata#users('${s.owner.userId}')/notifications/subscriptions`,
      value: (await listEndpoints(q, s.owner, c.get("now"))).map(toEndpointResource),
    }));
  });
  routes.all("/users/:userId/notifications/subscriptions", methodNotAllowed("GET"));

  /** The event log of `owner` (the caller's own, or a support read). */
  function events(c: AppContext, s: Subject): Promise<Response> {
    const q = queryOptions(new URL(c.req.url), ["$filter", "$top", "$skiptoken"]);
    const notificationId = guidFilter(q.get("$filter"), "notificationId");
    const top = parseTop(q.get("$top"));
    const binding = `${s.owner.tenantId}|${s.owner.userId}|${notificationId ?? ""}`;
    const pos = decodeToken("events", binding, q.get("$skiptoken"));
    let after: EventLogPosition | undefined;
    if (pos) {
      const at = typeof pos.a === "string" ? new Date(pos.a) : undefined;
      if (!at || Number.isNaN(at.getTime()) || (pos.s !== "e" && pos.s !== "d") || typeof pos.q !== "string" || !/^\d{1,19}$/.test(pos.q)) {
        throw badRequest("$skiptoken is not valid for this query.");
      }
      after = { at, src: pos.s, seq: pos.q };
    }
    return read(c, s, async (db) => {
      const page = await eventLog(db, s.owner, notificationId, top, after, (v) => tokens.opaqueId("event", v));
      const body: Record<string, unknown> = {
        "@odata.context": `${base(c)}/$metadata#users('${s.owner.userId}')/notifications/events`,
        value: page.entries,
      };
      if (page.more && page.last) {
        body["@odata.nextLink"] = nextLink(c, tokens.encode("events", binding, { a: page.last.at.toISOString(), s: page.last.src, q: page.last.seq }));
      }
      return body;
    });
  }

  routes.get("/users/:userId/notifications/events", signedIn, async (c) => events(c, await subjectOf(c)));
  routes.all("/users/:userId/notifications/events", methodNotAllowed("GET"));

  routes.get("/me/notifications/events", signedIn, async (c) => {
    const u = requireUser(c, "An app-only token has no event log of its own; it has no /me.");
    return events(c, { owner: { tenantId: u.tenantId, userId: u.userId }, support: null, user: null });
  });
  routes.all("/me/notifications/events", methodNotAllowed("GET"));

  routes.get("/users/:userId/notifications/:nid", signedIn, async (c) => {
    queryOptions(new URL(c.req.url), []);
    const s = await subjectOf(c);
    const id = notificationIdParam(c);
    const now = c.get("now");
    await deps.snoozes.wakeIfDue(now);
    return read(c, s, async (q) => {
      // The owner sees what /me shows; support also sees deleted tombstones.
      const row = s.support ? await anyNotification(q, s.owner, id, now) : await getNotification(q, s.owner, id, now);
      if (!row) throw notFound();
      return { "@odata.context": `${base(c)}/$metadata#users('${s.owner.userId}')/notifications/$entity`, ...toResource(row, now, etagger(tokens)) };
    });
  });

  routes.get("/users/:userId/notifications/:nid/deliveries", signedIn, async (c) => {
    queryOptions(new URL(c.req.url), []);
    const s = await subjectOf(c);
    const id = notificationIdParam(c);
    return read(c, s, async (q) => {
      const row = await anyNotification(q, s.owner, id, c.get("now"));
      if (!row) throw notFound();
      return {
        "@odata.context": `${base(c)}/$metadata#users('${s.owner.userId}')/notifications('${id}')/deliveries`,
        value: await deliveryRecords(q, s.owner, row, (url) => deps.pushServices.check(url).allowed),
      };
    });
  });
  routes.all("/users/:userId/notifications/:nid/deliveries", methodNotAllowed("GET"));

  // Writes to /users/{id}/notifications/…: none exist; support is read-only.
  const refuseWrite = (c: AppContext): never => {
    requireCaller(c);
    throw new GraphError("accessDenied", READ_ONLY);
  };
  for (const path of [
    "/users/:userId/notifications/:nid",
    "/users/:userId/notifications/:nid/:action",
    "/users/:userId/notifications/subscriptions/:sid",
  ]) {
    routes.on(["POST", "PUT", "PATCH", "DELETE"], path, signedIn, refuseWrite);
  }
  routes.all("/users/:userId/notifications/:nid", methodNotAllowed("GET"));

  // ---- the access log ---------------------------------------------------------

  function accessPage(c: AppContext, tenantId: string, userId: string | undefined, top: number, skiptoken: string | undefined) {
    const binding = `${tenantId}|${userId ?? ""}`;
    const pos = decodeToken("access", binding, skiptoken);
    let after: { at: Date; id: string } | undefined;
    if (pos) {
      const at = typeof pos.a === "string" ? new Date(pos.a) : undefined;
      if (!at || Number.isNaN(at.getTime()) || typeof pos.i !== "string" || !GUID.test(pos.i)) throw badRequest("$skiptoken is not valid for this query.");
      after = { at, id: pos.i };
    }
    return accessLog(db, tenantId, userId, top, after).then((page) => {
      const body: Record<string, unknown> = { "@odata.context": `${base(c)}/$metadata#notificationAccess`, value: page.entries };
      if (page.more && page.last) body["@odata.nextLink"] = nextLink(c, tokens.encode("access", binding, { a: page.last.at.toISOString(), i: page.last.id }));
      return odataJson(200, body);
    });
  }

  routes.get("/auditLogs/notificationAccess", signedIn, async (c) => {
    const p = supportCaller(c);
    const q = queryOptions(new URL(c.req.url), ["$filter", "$top", "$skiptoken"]);
    return accessPage(c, p.tenantId, guidFilter(q.get("$filter"), "userId"), parseTop(q.get("$top") ?? String(DEFAULT_LOG_TOP)), q.get("$skiptoken"));
  });
  routes.all("/auditLogs/notificationAccess", methodNotAllowed("GET"));

  routes.get("/me/notifications/accessLog", signedIn, async (c) => {
    const u = requireUser(c, "An app-only token has no access log of its own; it has no /me.");
    const q = queryOptions(new URL(c.req.url), ["$top", "$skiptoken"]);
    return accessPage(c, u.tenantId, u.userId, parseTop(q.get("$top") ?? String(DEFAULT_LOG_TOP)), q.get("$skiptoken"));
  });
  routes.all("/me/notifications/accessLog", methodNotAllowed("GET"));

  // ---- receipts ---------------------------------------------------------------

  routes.post("/me/notifications/:id/receipts", signedIn, async (c) => {
    const p = requirePrincipal(c);
    // The endpoint is the one the token was minted for, never the body's.
    if (p.kind !== "action") throw new GraphError("accessDenied", "Receipts are posted by the service worker with the push's action token.");
    queryOptions(new URL(c.req.url), []);
    const id = notificationIdParam(c, "id");
    const body = parseBody(receiptSchema, await readJsonObject(c.req.raw));
    const now = c.get("now");
    // The device's clock, unless it claims the future or a time before the push could exist.
    let at = now;
    if (body.at !== undefined) {
      const claimed = new Date(body.at);
      if (claimed.getTime() <= now.getTime() && now.getTime() - claimed.getTime() < 7 * 86_400_000) at = claimed;
    }
    const owner = { tenantId: p.tenantId, userId: p.userId };
    if (!(await recordReceipt(db, owner, id, p.endpointId, body.outcome, body.how ?? null, at))) throw notFound();
    return new Response(null, { status: 204 });
  });
  routes.all("/me/notifications/:id/receipts", methodNotAllowed("POST"));

  return routes;
}
