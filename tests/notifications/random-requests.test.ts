// Seeded random requests (paths, methods, OData options, bodies, encodings,
// headers, good and bad tokens): whatever a client sends, the answer is never a
// 5xx, and every error is Graph's error JSON. Same seed, same requests.
import { afterAll, beforeAll, expect, test } from "vitest";
import { gzipSync } from "node:zlib";
import { startStack, type Stack } from "../../testing/stack";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

// mulberry32: a tiny deterministic PRNG, so a failure replays exactly.
let seed = 0x5eed1234;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T,>(choices: readonly T[]): T => choices[Math.floor(random() * choices.length)]!;
const chance = (p: number) => random() < p;

const FILTER_ATOMS = [
  "readState", "userActionState", "status", "groupName", "priority", "createdDateTime", "id",
  "eq", "ne", "ge", "lt", "and", "or", "not", "(", ")", "'", "''", "'x'", "null", "'unread'",
  "2026-01-01T00:00:00Z", "'2026-01-01T00:00:00Z'", "%", "\\", "\u0000", "😀", " ", ",", "$",
  "1e999", "-1", "true", "contains(title,'a')", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59",
];
const QUERY_OPTIONS = ["$top", "$filter", "$orderby", "$count", "$search", "$skiptoken", "$deltatoken", "$select", "$skip", "$expand", "x"];
const inFuture = (ms: number) => new Date(Date.now() + ms).toISOString();

function queryValue(): string {
  // Well-formed clauses with odd values reach deeper than atom soup.
  if (chance(0.3)) {
    const field = pick(["readState", "userActionState", "status", "groupName", "priority", "createdDateTime"]);
    const op = pick(["eq", "ne", "ge", "lt"]);
    const value = pick(["'unread'", "'dismissed'", "null", "'\ud800'", "''''", "2026-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"]);
    return `${field} ${op} ${value}`;
  }
  const atoms = Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(FILTER_ATOMS));
  return atoms.join(pick([" ", ""]));
}

function jsonBody(): unknown {
  return pick<unknown>([
    null, 1, "s", [], {}, { payload: {} },
    { targetHostName: "a.test", payload: { visualContent: { title: "t" } }, fallbackPolicy: { fallbackDelayInSeconds: 60, note: "\udc00" } },
    {
      targetHostName: pick([1, "", "a".repeat(300), null, {}]),
      payload: { visualContent: { title: pick(["t", 1, null, "", "a".repeat(300), "\ud800", "😀"]) } },
      priority: pick(["high", "HIGH", 1, null, "x"]),
      displayTimeToLive: pick(["60", -1, "1e9", 1.5, "x", 2 ** 60]),
      expirationDateTime: pick(["2026-13-01", "x", 1, null, inFuture(86_400_000)]),
      targetPolicy: pick([null, {}, { platformTypes: "x" }, { platformTypes: [1] }, { platformTypes: ["WEBPUSH"] }]),
      fallbackPolicy: pick([null, 1, { fallbackDelayInSeconds: "x" }, { fallbackDelayInSeconds: 59 }, { note: "\udc00" }]),
    },
    {
      readState: pick(["read", 1, null, "x"]),
      userActionState: pick(["snoozed", "dismissed", 1]),
      snoozedUntilDateTime: pick([null, "x", inFuture(60_000)]),
    },
    { groupName: pick([1, null, "g", "\ud800"]), before: pick(["x", 1, "2026-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59"]) },
  ]);
}

const RAW_BODIES = ["{", "\u0000", "[1,2]", "", '{"a":' + "[".repeat(5000)];

test("3,000 random requests get no 5xx, and every error is Graph's error JSON", async () => {
  const user = await stack.tokenFor("adele@contoso.test");
  const app = await stack.appTokenFor();
  const created = await fetch(`${stack.baseUrl}/me/notifications`, {
    method: "POST",
    headers: { authorization: `Bearer ${user}`, "content-type": "application/json" },
    body: JSON.stringify({ targetHostName: "a.test", payload: { visualContent: { title: "t" } } }),
  });
  const { id } = (await created.json()) as { id: string };
  const paths = [
    "/me/notifications", "/me/notifications/$count", `/me/notifications/${id}`, "/me/notifications/delta",
    "/me/notifications/markAllAsRead", "/me/notifications/dismissAll", "/users/adele@contoso.test/notifications",
    "/users/%00/notifications", `/users/${"x".repeat(500)}/notifications`, "/me/notifications/%E0%A4%A",
    "/me/notifications/'", "/me/notifications/..%2f..%2f",
    // Support and audit.
    "/users", "/users/adele@contoso.test", `/users/adele@contoso.test/notifications/${id}`,
    `/users/adele@contoso.test/notifications/${id}/deliveries`, "/users/adele@contoso.test/notifications/events",
    "/users/adele@contoso.test/notifications/subscriptions", "/auditLogs/notificationAccess",
    "/me/notifications/accessLog", "/me/notifications/events", `/me/notifications/${id}/receipts`,
  ];
  const support = await stack.tokenFor("support@contoso.test");

  const failures: string[] = [];
  const statuses = new Set<number>();
  for (let i = 0; i < 3000; i++) {
    const method = pick(["GET", "POST", "PATCH", "DELETE", "PUT"]);
    const query = new URLSearchParams();
    for (let k = Math.floor(random() * 3); k > 0; k--) query.append(pick(QUERY_OPTIONS), queryValue());
    const url = `${stack.baseUrl}${pick(paths)}${query.size ? `?${query}` : ""}`;
    const headers: Record<string, string> = { authorization: `Bearer ${pick([user, app, support, `${user}x`, "x"])}` };
    if (chance(0.5)) headers["x-support-reason"] = pick(["ticket 1", "%E0%A4%A", "%00", "", "x".repeat(300), "caf%C3%A9"]);
    let body: BodyInit | undefined;
    if (method !== "GET" && method !== "DELETE") {
      const text = chance(0.1) ? pick(RAW_BODIES) : JSON.stringify(jsonBody());
      headers["content-type"] = pick(["application/json", "text/plain", "application/json; charset=latin1", ""]);
      body = text;
      if (chance(0.1)) {
        headers["content-encoding"] = pick(["gzip", "deflate", "br", "gzip, gzip"]);
        if (headers["content-encoding"] === "gzip") body = gzipSync(text);
      }
    }
    if (chance(0.2)) headers["if-match"] = pick(["*", 'W/"1"', "x", '""']);
    if (chance(0.2)) headers["x-action-time"] = pick(["x", "2020-01-01T00:00:00Z", "9999-01-01T00:00:00Z", "0001-01-01T00:00:00+23:59", ""]);
    if (chance(0.1)) headers.prefer = pick(["odata.maxpagesize=0", "odata.maxpagesize=x", "odata.maxpagesize=99999999999"]);

    const res = await fetch(url, { method, headers, body });
    const text = await res.text();
    statuses.add(res.status);
    if (res.status >= 500) {
      failures.push(`${method} ${url} ${JSON.stringify(headers)} ${String(body).slice(0, 200)} → ${res.status} ${text.slice(0, 200)}`);
    } else if (res.status >= 400 && !text.includes('"error"')) {
      failures.push(`not Graph's error JSON: ${res.status} ${method} ${url}: ${text.slice(0, 100)}`);
    }
  }
  expect(failures.slice(0, 10)).toEqual([]);
  // The run reached past authentication into validation and the handlers.
  for (const status of [200, 400, 401, 404]) expect(statuses).toContain(status);
}, 300_000);

// Random requests seldom line a well-formed clause up with an edge value; this sweep does, exhaustively.
test("every $filter field, operator and edge value, on the list and on $count, gets a 200 or a Graph 400", async () => {
  const user = await stack.tokenFor("adele@contoso.test");
  const fields = ["readState", "userActionState", "status", "groupName", "priority", "createdDateTime", "id"];
  const ops = ["eq", "ne", "ge", "lt", "gt", "le"];
  const values = [
    "'unread'", "'dismissed'", "null", "'\ud800'", "''''", "'x'", "1", "true",
    "2026-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "-271821-04-20T00:00:00Z",
  ];
  const unexpected: string[] = [];
  for (const path of ["/me/notifications", "/me/notifications/$count"]) {
    for (const field of fields) {
      for (const op of ops) {
        for (const value of values) {
          const filter = `${field} ${op} ${value}`;
          const res = await fetch(`${stack.baseUrl}${path}?${new URLSearchParams({ $filter: filter })}`, {
            headers: { authorization: `Bearer ${user}` },
          });
          const text = await res.text();
          if (!(res.status === 200 || (res.status === 400 && text.includes('"invalidRequest"')))) {
            unexpected.push(`${path} $filter=${filter} → ${res.status} ${text.slice(0, 120)}`);
          }
        }
      }
    }
  }
  expect(unexpected.slice(0, 10)).toEqual([]);
}, 120_000);
