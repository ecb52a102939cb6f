// Support access (contract: "Identity and authorization", "Support and audit"),
// as a matrix: every support route and every write a support token could try,
// for every kind of caller, answers exactly the status the contract names; a
// refused write changes nothing; every support read that answers 200 appends
// exactly one access log entry and nothing else appends any.
import { randomUUID } from "node:crypto";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SUPPORT_ROLE } from "../../contracts/identity";
import { SUPPORT_REASON_HEADER, encodeSupportReason, type AccessLogEntry } from "../../contracts/support";
import { startClockStack, type ClockStack } from "../../testing/clock-stack";
import type { Stack } from "../../testing/stack";
import { users } from "../../testing/users";
import { call, createForMe, expectGraphError, registerEndpoint, visualNotification, type CallResult } from "../helpers/graph";

const { megan: MEGAN, adele: ADELE, sam: SAM, rui: RUI } = users;
const KID = "support-matrix-key";

type Who = "owner" | "colleague" | "support" | "otherTenantSupport" | "roleWithoutScope" | "app" | "none";
const EVERYONE: readonly Who[] = ["owner", "colleague", "support", "otherTenantSupport", "roleWithoutScope", "app", "none"];

let clock: ClockStack;
let stack: Stack;
const tokens = {} as Record<Who, string | undefined>;
let nid: string;
let endpointId: string;

beforeAll(async () => {
  clock = await startClockStack(KID);
  stack = clock.stack;
  tokens.owner = await stack.tokenFor(MEGAN.upn);
  tokens.colleague = await stack.tokenFor(ADELE.upn);
  tokens.support = await stack.tokenFor(SAM.upn);
  tokens.otherTenantSupport = await stack.tokenFor(RUI.upn);
  tokens.app = await stack.appTokenFor();
  tokens.none = undefined;
  // Sam's real token, its scope taken away: a user's token with the role and no scp.
  const { scp: _scp, ...claims } = decodeJwt(tokens.support);
  expect(claims.roles).toContain(SUPPORT_ROLE);
  const now = Math.floor(Date.now() / 1000);
  tokens.roleWithoutScope = await clock.sign({ ...claims, iat: now, nbf: now - 5, exp: now + 3600, jti: randomUUID() });
  nid = (await createForMe(stack, tokens.owner, visualNotification("Megan's item"))).id;
  endpointId = (await registerEndpoint(stack, tokens.owner, { platform: "web", deviceName: "Megan's laptop" })).body.id;
  // Every user has used the app once (the directory knows them).
  await Promise.all([tokens.colleague, tokens.support, tokens.otherTenantSupport].map((t) => call(stack, "/me/notifications?$top=1", { token: t })));
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

const REASON = "Ticket 4711: Megan never got the build alert";

async function accessLogCount(): Promise<number> {
  return (await stack.db.query<{ n: number }>("SELECT count(*)::int AS n FROM access_log")).rows[0]!.n;
}

/** Everything of Megan's a write could change. */
async function meganState(): Promise<string> {
  const { rows } = await stack.db.query<{ s: string }>(
    `SELECT coalesce((SELECT string_agg(id::text || read_state || action_state || status || change_seq::text, ',' ORDER BY id)
        FROM notifications WHERE user_id = $1), '') || '|' ||
      coalesce((SELECT string_agg(id::text || renewed::text, ',' ORDER BY id) FROM endpoints WHERE user_id = $1), '') AS s`,
    [MEGAN.oid],
  );
  return rows[0]!.s;
}

interface Route {
  name: string;
  method: string;
  path: () => string;
  json?: unknown;
  /** What each caller gets. */
  expect: Record<Who, number>;
  /** A support read of Megan's data: logged on 200. */
  logged?: boolean;
  write?: boolean;
}

const SUPPORT_READ = { owner: 200, colleague: 403, support: 200, otherTenantSupport: 404, roleWithoutScope: 401, app: 403, none: 401 };
const SUPPORT_ONLY = { owner: 403, colleague: 403, support: 200, otherTenantSupport: 200, roleWithoutScope: 401, app: 403, none: 401 };
const ANY_USER = { owner: 200, colleague: 200, support: 200, otherTenantSupport: 200, roleWithoutScope: 401, app: 403, none: 401 };
const NO_WRITES = { owner: 403, colleague: 403, support: 403, otherTenantSupport: 403, roleWithoutScope: 401, app: 403, none: 401 };

const ROUTES: Route[] = [
  { name: "search the directory", method: "GET", path: () => `/users?$search="meg"`, expect: SUPPORT_ONLY },
  { name: "a user's summary", method: "GET", path: () => `/users/${MEGAN.oid}`, expect: SUPPORT_READ, logged: true },
  { name: "a user's summary by UPN", method: "GET", path: () => `/users/${MEGAN.upn}`, expect: SUPPORT_READ, logged: true },
  { name: "a user's inbox", method: "GET", path: () => `/users/${MEGAN.oid}/notifications?$top=5`, expect: SUPPORT_READ, logged: true },
  { name: "a user's notification", method: "GET", path: () => `/users/${MEGAN.oid}/notifications/${nid}`, expect: SUPPORT_READ, logged: true },
  { name: "a user's endpoints", method: "GET", path: () => `/users/${MEGAN.oid}/notifications/subscriptions`, expect: SUPPORT_READ, logged: true },
  { name: "a notification's deliveries", method: "GET", path: () => `/users/${MEGAN.oid}/notifications/${nid}/deliveries`, expect: SUPPORT_READ, logged: true },
  { name: "a user's event log", method: "GET", path: () => `/users/${MEGAN.oid}/notifications/events`, expect: SUPPORT_READ, logged: true },
  { name: "the tenant's access log", method: "GET", path: () => "/auditLogs/notificationAccess", expect: SUPPORT_ONLY },
  { name: "my access log", method: "GET", path: () => "/me/notifications/accessLog", expect: ANY_USER },
  { name: "my event log", method: "GET", path: () => "/me/notifications/events", expect: ANY_USER },
  { name: "PATCH a user's notification", method: "PATCH", path: () => `/users/${MEGAN.oid}/notifications/${nid}`, json: { readState: "read" }, expect: NO_WRITES, write: true },
  { name: "DELETE a user's notification", method: "DELETE", path: () => `/users/${MEGAN.oid}/notifications/${nid}`, expect: NO_WRITES, write: true },
  { name: "markAllAsRead for a user", method: "POST", path: () => `/users/${MEGAN.oid}/notifications/markAllAsRead`, json: {}, expect: NO_WRITES, write: true },
  { name: "DELETE a user's endpoint", method: "DELETE", path: () => `/users/${MEGAN.oid}/notifications/subscriptions/${endpointId}`, expect: NO_WRITES, write: true },
  {
    name: "send to a user (apps only)",
    method: "POST",
    path: () => `/users/${MEGAN.oid}/notifications`,
    json: visualNotification("sent by whoever"),
    expect: { ...NO_WRITES, app: 201 },
    write: true,
  },
  {
    name: "PATCH Megan's notification through one's own /me",
    method: "PATCH",
    path: () => `/me/notifications/${nid}`,
    json: { readState: "read" },
    expect: { owner: 200, colleague: 404, support: 404, otherTenantSupport: 404, roleWithoutScope: 401, app: 403, none: 401 },
    write: true,
  },
  {
    name: "DELETE Megan's notification through one's own /me",
    method: "DELETE",
    path: () => `/me/notifications/${nid}`,
    expect: { owner: 204, colleague: 404, support: 404, otherTenantSupport: 404, roleWithoutScope: 401, app: 403, none: 401 },
    write: true,
  },
];

function send(r: Route, who: Who, headers: Record<string, string> = {}): Promise<CallResult> {
  return call(stack, r.path(), { method: r.method, token: tokens[who], json: r.json, headers });
}

describe("every route × every caller answers exactly what the contract names", () => {
  for (const r of ROUTES) {
    // The owner's own writes through /me are allowed: they run last, after the refusals are checked.
    const callers = EVERYONE.filter((w) => !(r.write && r.expect[w] < 300));
    it.each(callers)(`${r.name}: %s`, async (who) => {
      const before = await meganState();
      const logged = await accessLogCount();
      const res = await send(r, who, { [SUPPORT_REASON_HEADER]: encodeSupportReason(REASON) });
      const status = r.expect[who];
      if (status >= 400) {
        const code = { 400: "invalidRequest", 401: "unauthenticated", 403: "accessDenied", 404: "itemNotFound" }[status]!;
        expectGraphError(res, status, code);
      } else {
        expect(res.status, res.text).toBe(status);
      }
      if (r.write) expect(await meganState()).toBe(before);
      const expected = r.logged && who === "support" ? 1 : 0;
      expect(await accessLogCount()).toBe(logged + expected);
    });
  }
});

describe("the reason", () => {
  it("is required on every support read of another user's data: 400 without it, nothing logged", async () => {
    for (const r of ROUTES.filter((x) => x.logged)) {
      const logged = await accessLogCount();
      expectGraphError(await send(r, "support"), 400, "invalidRequest", SUPPORT_REASON_HEADER);
      expectGraphError(await send(r, "support", { [SUPPORT_REASON_HEADER]: "   " }), 400, "invalidRequest", SUPPORT_REASON_HEADER);
      expectGraphError(await send(r, "support", { [SUPPORT_REASON_HEADER]: "x".repeat(201) }), 400, "invalidRequest", "longer");
      expect(await accessLogCount()).toBe(logged);
    }
  });

  it("is not needed to read one's own data through /users/{own id}, which is not logged", async () => {
    const logged = await accessLogCount();
    for (const path of [`/users/${SAM.oid}`, `/users/${SAM.upn}/notifications`, `/users/${SAM.oid}/notifications/subscriptions`]) {
      const res = await call(stack, path, { token: tokens.support });
      expect(res.status, res.text).toBe(200);
    }
    expect(await accessLogCount()).toBe(logged);
  });

  it("is logged with who, whom, what and the request id, and shown to the user, newest first", async () => {
    const why = "Ticket 4712: « it keeps coming back on my phone »";
    const res = await call(stack, `/users/${MEGAN.oid}/notifications/${nid}/deliveries`, {
      token: tokens.support,
      headers: { [SUPPORT_REASON_HEADER]: encodeSupportReason(why) },
    });
    expect(res.status, res.text).toBe(200);
    const mine = await call<{ value: AccessLogEntry[] }>(stack, "/me/notifications/accessLog?$top=1", { token: tokens.owner });
    expect(mine.body.value[0]).toMatchObject({
      actor: { id: SAM.oid, displayName: SAM.name, userPrincipalName: SAM.upn },
      userId: MEGAN.oid,
      route: `GET /users/${MEGAN.oid}/notifications/${nid}/deliveries`,
      reason: why,
      requestId: res.headers.get("request-id"),
    });
    const audit = await call<{ value: AccessLogEntry[] }>(stack, `/auditLogs/notificationAccess?$filter=userId eq '${MEGAN.oid}'&$top=1`, { token: tokens.support });
    expect(audit.body.value[0]).toEqual(mine.body.value[0]);
    // Other users see no entry about Megan; the other tenant's support sees none of this tenant's.
    const adeles = await call<{ value: AccessLogEntry[] }>(stack, "/me/notifications/accessLog", { token: tokens.colleague });
    expect(adeles.body.value).toEqual([]);
    const theirs = await call<{ value: AccessLogEntry[] }>(stack, "/auditLogs/notificationAccess", { token: tokens.otherTenantSupport });
    expect(theirs.body.value).toEqual([]);
  });
});

describe("tenants", () => {
  it("support of another tenant cannot find this tenant's users, by search, id or UPN", async () => {
    const found = await call<{ value: Array<{ id: string }> }>(stack, `/users?$search="meg"`, { token: tokens.otherTenantSupport });
    expect(found.body.value).toEqual([]);
    const headers = { [SUPPORT_REASON_HEADER]: "looking" };
    expectGraphError(await call(stack, `/users/${MEGAN.upn}`, { token: tokens.otherTenantSupport, headers }), 404, "itemNotFound");
    expectGraphError(await call(stack, `/users/${randomUUID()}`, { token: tokens.support, headers }), 404, "itemNotFound");
  });

  it("the directory search matches name and UPN, and pages", async () => {
    const byName = await call<{ value: Array<{ id: string; displayName: string }> }>(stack, `/users?$search="bowen"`, { token: tokens.support });
    expect(byName.body.value.map((u) => u.id)).toEqual([MEGAN.oid]);
    const all: string[] = [];
    let next: string | undefined = "/users?$top=1";
    while (next) {
      const page: CallResult<{ value: Array<{ id: string }>; "@odata.nextLink"?: string }> = await call(stack, next, { token: tokens.support });
      expect(page.status, page.text).toBe(200);
      all.push(...page.body.value.map((u) => u.id));
      next = page.body["@odata.nextLink"];
    }
    expect(new Set(all)).toEqual(new Set([ADELE.oid, MEGAN.oid, SAM.oid]));
  });
});

describe("the access log is append-only", () => {
  it("refuses UPDATE, DELETE and TRUNCATE from SQL", async () => {
    expect(await accessLogCount()).toBeGreaterThan(0);
    await expect(stack.db.query("UPDATE access_log SET reason = 'nothing to see'")).rejects.toThrow(/append-only/);
    await expect(stack.db.query("DELETE FROM access_log")).rejects.toThrow(/append-only/);
    await expect(stack.db.query("TRUNCATE access_log")).rejects.toThrow(/append-only/);
  });

  it("lets maintenance prune entries older than 400 days, and only those", async () => {
    const old = new Date(Date.now() - 401 * 86_400_000);
    await stack.db.query(
      `INSERT INTO access_log (tenant_id, user_id, id, at, actor_id, route, reason, request_id)
        VALUES ($1, $2, $3, $4, $5, 'GET /users/x', 'old', 'r')`,
      [MEGAN.tenantId, MEGAN.oid, randomUUID(), old, SAM.oid],
    );
    const before = await accessLogCount();
    // Even with the maintenance setting, a recent entry cannot go.
    await expect(
      stack.db.transaction(async (tx) => {
        await tx.query("SELECT set_config('notifications.prune_access_log', 'on', true)");
        await tx.query("DELETE FROM access_log WHERE reason <> 'old'");
      }),
    ).rejects.toThrow(/append-only/);
    const { pruneAccessLog } = await import("../../server/support/service");
    expect(await pruneAccessLog(stack.db)).toBe(1);
    expect(await accessLogCount()).toBe(before - 1);
  });
});
