// The API fuzzer (issue 12): fast-check generates whole requests — methods,
// paths with odd and badly percent-encoded segments, OData query options,
// headers, bodies (JSON, broken text, compressed), good, wrong and missing
// tokens — and sends each over HTTP to the real service on the real store. The
// property, for every request: no 5xx; an error is Graph's error JSON whose
// request-id is the response's; and a request answered with an error changed
// nothing in the store. `npm test` runs a seeded 5,000 (fuzz.test.ts);
// `npm run fuzz -- --requests 100000 [--seed n]` runs as many as asked (cli.ts).
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import type { Stack } from "../../testing/stack";

export interface FuzzTarget {
  stack: Stack;
  tokens: { user: string; app: string; support: string };
  /** A notification of the user's, so paths can name a real one. */
  id: string;
}

interface FuzzRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: { text: string; gzip: boolean } | undefined;
}

const WORDS = [
  "me", "notifications", "users", "$count", "delta", "markAllAsRead", "dismissAll", "subscriptions", "stream",
  "events", "receipts", "deliveries", "auditLogs", "notificationAccess", "accessLog", "adele@contoso.test",
  "support@contoso.test", "00000000-0000-0000-0000-000000000000", "$batch", "openapi.json",
];
/** Segments that break decoders: invalid UTF-8 escapes, a bare %, NUL, encoded slashes, dot segments. */
const BAD_SEGMENTS = ["%ff", "%", "%E0%A4%A", "%c3%28", "%00", "..%2f..%2f", "%2e%2e", "'", "%25", "caf%C3%A9", "😀", "\u0000"];
const QUERY_OPTIONS = ["$top", "$filter", "$orderby", "$count", "$search", "$skiptoken", "$deltatoken", "$select", "$skip", "$expand", "x"];
const FILTER_ATOMS = [
  "readState", "userActionState", "status", "groupName", "priority", "createdDateTime", "id", "eq", "ne", "ge", "lt", "and",
  "or", "not", "(", ")", "'", "''", "'unread'", "null", "2026-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59", "%", "\\", "😀",
  "1e999", "-1", "contains(title,'a')",
];

/** encodeURIComponent, except that a lone surrogate (which it refuses) becomes %ED%A0%80: bytes that are not UTF-8. */
function enc(text: string): string {
  return text
    .split(/(\p{Cs})/u)
    .map((part) => (/^\p{Cs}$/u.test(part) ? "%ED%A0%80" : encodeURIComponent(part)))
    .join("");
}

/** Printable ASCII (header values must be ByteStrings; control characters would make fetch throw before sending). */
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 300 });

const anyText = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 20 }), fc.constantFrom(...FILTER_ATOMS));

function segment(t: FuzzTarget) {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...WORDS, t.id) },
    { weight: 2, arbitrary: fc.constantFrom(...BAD_SEGMENTS) },
    { weight: 1, arbitrary: anyText.map((s) => enc(s)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 600 }).map((s) => s.replace(/[/?#]/g, "")) },
  );
}

/** The API's routes with the methods they serve, so most requests reach a handler; the rest mix any method and path. */
function route(t: FuzzTarget) {
  const served: [string, string][] = [
    ["GET", "/me/notifications"], ["POST", "/me/notifications"], ["GET", "/me/notifications/$count"],
    ["GET", `/me/notifications/${t.id}`], ["PATCH", `/me/notifications/${t.id}`], ["DELETE", `/me/notifications/${t.id}`],
    ["GET", "/me/notifications/delta"], ["POST", "/me/notifications/markAllAsRead"], ["POST", "/me/notifications/dismissAll"],
    ["POST", "/users/adele@contoso.test/notifications"], ["GET", "/me/notifications/subscriptions"],
    ["POST", "/me/notifications/subscriptions"], ["GET", "/users"], ["GET", "/users/adele@contoso.test"],
    ["GET", `/users/adele@contoso.test/notifications/${t.id}`], ["GET", `/users/adele@contoso.test/notifications/${t.id}/deliveries`],
    ["GET", "/users/adele@contoso.test/notifications/events"], ["GET", "/auditLogs/notificationAccess"],
    ["GET", "/me/notifications/accessLog"], ["POST", `/me/notifications/${t.id}/receipts`],
  ];
  const method = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom("GET", "POST", "PATCH", "DELETE") },
    // Odd methods too, those Node's HTTP parser accepts (an unknown one it refuses itself, with a bare 400, before any handler).
    { weight: 1, arbitrary: fc.constantFrom("PUT", "HEAD", "OPTIONS", "PROPFIND", "PURGE", "SEARCH") },
  );
  const path = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...served.map(([, p]) => p)) },
    { weight: 2, arbitrary: fc.array(segment(t), { minLength: 0, maxLength: 6 }).map((s) => `/${s.join("/")}`) },
  );
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...served).map(([m, p]) => ({ method: m, path: p })) },
    { weight: 2, arbitrary: fc.record({ method, path }) },
  );
}

function queryValue() {
  return fc.oneof(
    fc
      .tuple(
        fc.constantFrom("readState", "userActionState", "status", "groupName", "priority", "createdDateTime"),
        fc.constantFrom("eq", "ne", "ge", "lt", "gt", "le"),
        fc.constantFrom("'unread'", "'dismissed'", "null", "'\ud800'", "''''", "2026-01-01T00:00:00Z", "0001-01-01T00:00:00+23:59"),
      )
      .map(([f, o, v]) => enc(`${f} ${o} ${v}`)),
    fc.array(fc.constantFrom(...FILTER_ATOMS), { minLength: 1, maxLength: 6 }).map((a) => enc(a.join(" "))),
    anyText.map((s) => enc(s)),
    fc.constantFrom(...BAD_SEGMENTS, "1", "0", "-1", "99999999999", "true"),
  );
}

const inFuture = (ms: number) => new Date(Date.now() + ms).toISOString();

function jsonBody() {
  const title = fc.oneof(fc.constantFrom("t", "", "a".repeat(300), "\ud800", "😀"), fc.string({ maxLength: 40 }), fc.integer());
  return fc.oneof(
    // Well-formed bodies, so requests also get past validation into the handlers and the store.
    { weight: 4, arbitrary: fc.constantFrom<unknown>(
      { targetHostName: "fuzz.contoso.test", payload: { visualContent: { title: "Fuzz" } } },
      { targetHostName: "fuzz.contoso.test", appNotificationId: "same", groupName: "g", payload: { rawContent: "r" }, priority: "High" },
      { readState: "read" },
      { userActionState: "dismissed" },
      { userActionState: "snoozed", snoozedUntilDateTime: inFuture(3_600_000) },
      {},
    ) },
    fc.jsonValue({ maxDepth: 3 }),
    fc.record(
      {
        targetHostName: fc.oneof(fc.constant("fuzz.contoso.test"), fc.constantFrom("", "a".repeat(300)), fc.integer(), fc.constant(null)),
        payload: fc.oneof(
          fc.record({ visualContent: fc.record({ title, body: fc.option(fc.string({ maxLength: 50 })) }, { requiredKeys: [] }) }),
          fc.record({ rawContent: fc.oneof(fc.string({ maxLength: 50 }), fc.constant("x".repeat(5000))) }),
          fc.jsonValue({ maxDepth: 2 }),
        ),
        priority: fc.constantFrom("High", "high", "Low", "None", "x", 1, null),
        displayTimeToLive: fc.oneof(fc.integer(), fc.double(), fc.constantFrom("60", "x", null)),
        expirationDateTime: fc.constantFrom("2026-13-01", "x", 1, null, inFuture(86_400_000), inFuture(40 * 86_400_000)),
        groupName: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(null), fc.constant("g".repeat(200))),
        appNotificationId: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(null)),
        targetPolicy: fc.constantFrom(null, {}, { platformTypes: "x" }, { platformTypes: [1] }, { platformTypes: ["WebPush"] }),
        fallbackPolicy: fc.constantFrom(null, 1, { fallbackDelayInSeconds: "x" }, { fallbackDelayInSeconds: 59 }, { note: "\udc00" }),
      },
      { requiredKeys: [] },
    ),
    fc.record(
      {
        readState: fc.constantFrom("read", "unread", "Read", 1, null, "x"),
        userActionState: fc.constantFrom("snoozed", "dismissed", "activated", "noInteraction", 1, null),
        snoozedUntilDateTime: fc.constantFrom(null, "x", inFuture(60_000), inFuture(90 * 86_400_000)),
      },
      { requiredKeys: [] },
    ),
    fc.record(
      {
        groupName: fc.constantFrom(1, null, "g", "\ud800"),
        before: fc.constantFrom("x", 1, "2026-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59"),
        reason: fc.string({ maxLength: 20 }),
      },
      { requiredKeys: [] },
    ),
  );
}

const RAW_BODIES = ["{", "\u0000", "[1,2]", "", '{"a":' + "[".repeat(5000), "null", '{"__proto__":{"x":1}}'];

/**
 * A $batch body: mostly well-formed (ids 1…n, dependsOn on earlier ones, the API's own routes and
 * bodies) so the inner requests reach the handlers; sometimes broken in one place (a repeated or odd
 * id, a forward or unknown dependsOn, an odd method, url or header, too many requests).
 */
function batchBody(t: FuzzTarget) {
  const rarely = <T>(arbitrary: fc.Arbitrary<T>, weight = 8) => fc.oneof({ weight, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
  const inner = fc.record({
    oddId: rarely(fc.oneof(fc.constantFrom<unknown>("1", "", 1, null), fc.string({ maxLength: 5 })), 15),
    target: fc.oneof(
      { weight: 8, arbitrary: fc.tuple(route(t), fc.constantFrom("", "?$top=1", "?$count=true", "?$filter=readState%20eq%20'unread'", "?x=1")).map(([r, q]) => ({ method: r.method, url: `${r.path}${q}` })) },
      {
        weight: 2,
        arbitrary: fc.record({
          method: fc.constantFrom("GET", "POST", "PATCH", "DELETE", "PUT"),
          url: fc.oneof(
            fc.constantFrom("/$batch", "/me/notifications/stream", "me/notifications", "/graph/beta/me/notifications", "/graph/beta", "/", "https://evil.example/me", "//evil.example/me", "/../../healthz", "/me/%ff", "", "\\evil"),
            fc.array(segment(t), { maxLength: 4 }).map((segments) => `/${segments.join("/")}`),
          ),
        }),
      },
    ),
    oddMethod: rarely(fc.constantFrom<unknown>("get", "HEAD", "OPTIONS", "", 1), 15),
    headers: rarely(
      fc.dictionary(
        fc.oneof(
          { weight: 12, arbitrary: fc.constantFrom("Content-Type", "content-type", "If-Match", "Authorization", "X-Forwarded-For", "Prefer", "X-Action-Time", "Content-Encoding") },
          { weight: 1, arbitrary: fc.constantFrom("x a", "") },
        ),
        fc.oneof(fc.constantFrom("application/json", "application/json", "text/plain", "gzip", "*", "a\r\nb", "Bearer x"), headerText),
        { maxKeys: 3 },
      ),
      3,
    ),
    body: fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: jsonBody() }),
    // Offsets back to an earlier request (valid), or a name no request has.
    dependsOn: rarely(fc.array(fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.constantFrom("9", "x") }), { minLength: 1, maxLength: 2 }), 3),
  });
  const requests = fc.array(inner, { minLength: 1, maxLength: 6 }).map((items) =>
    items.map(({ oddId, target, oddMethod, headers, body, dependsOn }, i) => {
      const r = { method: oddMethod ?? target.method, url: target.url };
      const dependencies = dependsOn?.map((d) => (typeof d === "number" ? String(Math.max(1, i + 1 - d)) : d)).filter((d) => d !== String(i + 1));
      // A JSON body mostly says so, as the contract asks; GETs mostly carry none (fetch cannot send one).
      const sendsBody = body !== undefined && (r.method !== "GET" || oddId !== undefined);
      return {
        ...r,
        id: oddId === undefined ? String(i + 1) : oddId,
        ...(headers !== undefined ? { headers } : sendsBody ? { headers: { "Content-Type": "application/json" } } : {}),
        ...(sendsBody ? { body } : {}),
        ...(dependencies !== undefined && dependencies.length > 0 ? { dependsOn: dependencies } : {}),
      };
    }),
  );
  return fc.oneof(
    { weight: 12, arbitrary: requests.map((r) => ({ requests: r })) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>({}, { requests: [] }, { requests: "x" }, { requests: Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: "GET", url: "/me/notifications" })) }) },
  );
}

export function requestArbitrary(t: FuzzTarget): fc.Arbitrary<FuzzRequest> {
  const token = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(`Bearer ${t.tokens.user}`, `Bearer ${t.tokens.app}`, `Bearer ${t.tokens.support}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(`Bearer ${t.tokens.user}x`, "Bearer x", "Basic YTpi", "", `Bearer ${t.tokens.user.split(".").slice(0, 2).join(".")}.`),
    },
  );
  const single = fc
    .record({
      route: route(t),
      query: fc.array(fc.tuple(fc.constantFrom(...QUERY_OPTIONS), queryValue()), { maxLength: 3 }),
      authorization: token,
      contentType: fc.constantFrom("application/json", "application/json", "application/json; charset=utf-8", "text/plain",
        "application/json; charset=latin1", "image/png", undefined),
      contentEncoding: fc.option(fc.constantFrom("gzip", "deflate", "br", "gzip, gzip"), { freq: 8 }),
      extra: fc.dictionary(
        fc.constantFrom("if-match", "x-action-time", "prefer", "client-request-id", "x-support-reason", "x-uns-id", "x-endpoint-id", "last-event-id"),
        fc.oneof(headerText, fc.constantFrom("*", 'W/"1"', "odata.maxpagesize=0", "odata.maxpagesize=99999999999", "2020-01-01T00:00:00Z", "%E0%A4%A")),
        { maxKeys: 3 },
      ),
      body: fc.option(fc.oneof({ weight: 5, arbitrary: jsonBody().map((v) => JSON.stringify(v) ?? "null") }, { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES) }), { freq: 6 }),
    })
    .map((r) => {
      const headers: Record<string, string> = { ...r.extra };
      if (r.authorization) headers.authorization = r.authorization;
      const { method, path } = r.route;
      const hasBody = r.body !== null && method !== "GET" && method !== "HEAD";
      if (hasBody && r.contentType !== undefined) headers["content-type"] = r.contentType;
      if (hasBody && r.contentEncoding !== null) headers["content-encoding"] = r.contentEncoding;
      return {
        method,
        path,
        query: r.query.length > 0 ? `?${r.query.map(([k, v]) => `${k}=${v}`).join("&")}` : "",
        headers,
        body: hasBody ? { text: r.body!, gzip: r.contentEncoding === "gzip" } : undefined,
      };
    });
  const batch = fc.record({ authorization: token, body: batchBody(t) }).map(
    (r): FuzzRequest => ({
      method: "POST",
      path: "/$batch",
      query: "",
      headers: { ...(r.authorization ? { authorization: r.authorization } : {}), "content-type": "application/json" },
      body: { text: JSON.stringify(r.body), gzip: false },
    }),
  );
  return fc.oneof({ weight: 9, arbitrary: single }, { weight: 1, arbitrary: batch });
}

/** Graph's error JSON, and its innerError request-id; throws if `text` is not one. */
function graphErrorRequestId(status: number, text: string): unknown {
  let parsed: { error?: { code?: unknown; innerError?: Record<string, unknown> } } | undefined;
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    parsed = undefined;
  }
  if (typeof parsed?.error?.code !== "string") throw new Error(`a ${status} that is not Graph's error JSON: ${text.slice(0, 200)}`);
  return parsed.error.innerError?.["request-id"];
}

interface BatchAnswer {
  responses?: { id?: unknown; status?: unknown; headers?: Record<string, string>; body?: unknown }[];
}

/**
 * A $batch's 200 holds an answer per request, each held to the property as a call is (no 5xx,
 * errors in Graph's JSON with their request id); whether all of them failed (then nothing may change).
 */
function checkBatch(text: string, outerRequestId: string | null): { allFailed: boolean } {
  const answer = JSON.parse(text) as BatchAnswer;
  if (!Array.isArray(answer.responses) || answer.responses.length === 0) throw new Error(`a $batch 200 without responses: ${text.slice(0, 200)}`);
  for (const r of answer.responses) {
    if (typeof r.status !== "number" || typeof r.headers !== "object") throw new Error(`a $batch answer without status or headers: ${JSON.stringify(r).slice(0, 200)}`);
    if (r.status >= 500) throw new Error(`a $batch request answered ${r.status}: ${JSON.stringify(r).slice(0, 300)}`);
    if (r.status >= 400) {
      const id = graphErrorRequestId(r.status, JSON.stringify(r.body));
      // A request that ran has its own request id; one that never ran (424, refused) carries the batch's.
      if (id !== (r.headers["request-id"] ?? outerRequestId)) throw new Error(`a $batch ${r.status} whose innerError request-id is not its own: ${JSON.stringify(r).slice(0, 300)}`);
    }
  }
  return { allFailed: answer.responses.every((r) => (r.status as number) >= 400) };
}

/** What a rejected request must leave as it was: every table a request can write, summed up. */
async function storeFingerprint(stack: Stack): Promise<string> {
  const { rows } = await stack.db.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM notifications)::text AS n,
        (SELECT COALESCE(max(change_seq), 0) FROM notifications)::text AS seq,
        (SELECT count(*) FROM notification_events)::text AS ev,
        (SELECT count(*) FROM endpoints)::text AS ep,
        (SELECT count(*) FROM delivery_steps)::text AS steps,
        (SELECT count(*) FROM access_log)::text AS audit`,
  );
  return JSON.stringify(rows[0]);
}

export interface FuzzReport {
  requests: number;
  statuses: Map<number, number>;
}

/**
 * Sends `requests` generated requests (fast-check, `seed`), checking each.
 * Throws fast-check's report (shrunk to the smallest failing request) on the first failure.
 */
export async function fuzz(t: FuzzTarget, opts: { requests: number; seed: number; onProgress?: (done: number) => void }): Promise<FuzzReport> {
  const statuses = new Map<number, number>();
  let done = 0;
  await fc.assert(
    fc.asyncProperty(requestArbitrary(t), async (r) => {
      const before = await storeFingerprint(t.stack);
      const body = r.body === undefined ? undefined : r.body.gzip ? gzipSync(r.body.text) : r.body.text;
      const res = await fetch(`${t.stack.baseUrl}${r.path}${r.query}`, { method: r.method, headers: r.headers, body });
      if ((res.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
        // A live stream opened (it never ends by itself): its status is all there is to check.
        await res.body?.cancel();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        return;
      }
      const text = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (++done % 1000 === 0) opts.onProgress?.(done);
      if (res.status >= 500) throw new Error(`answered ${res.status}: ${text.slice(0, 300)}`);
      if (res.status >= 400 && r.method !== "HEAD") {
        if (graphErrorRequestId(res.status, text) !== res.headers.get("request-id")) {
          throw new Error(`a ${res.status} whose innerError request-id is not the response's request-id header`);
        }
      }
      const rejected = res.status >= 400 || (r.path === "/$batch" && res.status === 200 && checkBatch(text, res.headers.get("request-id")).allFailed);
      if (rejected && (await storeFingerprint(t.stack)) !== before) {
        throw new Error(`a ${res.status} (${text.slice(0, 120)}) changed the store: ${before} → ${await storeFingerprint(t.stack)}`);
      }
    }),
    { numRuns: opts.requests, seed: opts.seed, endOnFailure: false, verbose: 1 },
  );
  return { requests: opts.requests, statuses };
}

/** The target on a started stack: Adele's tokens (user), the sender app's, support's, and one notification of Adele's. */
export async function fuzzTarget(stack: Stack): Promise<FuzzTarget> {
  const user = await stack.tokenFor("adele@contoso.test");
  const res = await fetch(`${stack.baseUrl}/me/notifications`, {
    method: "POST",
    headers: { authorization: `Bearer ${user}`, "content-type": "application/json" },
    body: JSON.stringify({ targetHostName: "fuzz.contoso.test", payload: { visualContent: { title: "Fuzz target" } } }),
  });
  const { id } = (await res.json()) as { id: string };
  return { stack, id, tokens: { user, app: await stack.appTokenFor(), support: await stack.tokenFor("support@contoso.test") } };
}
