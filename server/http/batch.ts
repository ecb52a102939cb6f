// POST {basePath}/$batch: Microsoft Graph's JSON batching (contracts/batch.ts).
// Each inner request is a real Request sent through the same Hono app, so
// every rule of a call of its own applies to it unchanged (guards, action-token
// confinement, validation, 415, quota, the conflict rule, rate limits, Graph
// errors, metrics). What a batch saves is the round trips and the token: the
// outer request is authenticated once and its principal is reused by the inner
// requests' authentication (reuseBatchCaller), which still runs in full.
import { Hono } from "hono";
import { z } from "zod";
import { BATCH_METHODS, MAX_BATCH_REQUESTS, type BatchResponseItem } from "../../contracts/batch";
import type { Authenticate, Principal } from "./authenticate";
import type { AppContext, AppDeps, AppEnv } from "./env";
import { GraphError, badRequest, errorBody, methodNotAllowed } from "./graph-error";
import { requireCaller, type Authentication } from "./middleware/auth";
import { jsonAnswered, odataJson } from "./odata-json";
import { queryOptions } from "./odata-query";
import { caseInsensitiveEnum, parseBody } from "./parse-body";
import { MAX_BODY_BYTES, readJsonObject, requestWithBodyInMemory } from "./read-body";

/** A batch's body: its 20 bodies at their own cap, and room for the envelope. */
export const MAX_BATCH_BODY_BYTES = (MAX_BATCH_REQUESTS + 1) * MAX_BODY_BYTES;
/**
 * Independent requests run at most this many at a time (Graph runs them in any
 * order), and at most half of the store's connections, so one batch never
 * starves the calls beside it: 5 on a pool of 10, enough to overlap one
 * request's waits with another's work. On PGlite, which runs one statement at
 * a time, one by one: overlapping them there only interleaved their
 * transactions (a batch of 20 sends took ~20 % longer at 5).
 */
const BATCH_CONCURRENCY = 5;

/** An RFC 9110 field name, and a value `Headers` accepts (no CR, LF, NUL; Latin-1). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export const batchRequestSchema = z
  .strictObject({
    requests: z
      .array(
        z.strictObject({
          id: z.string().min(1).max(128),
          method: caseInsensitiveEnum(BATCH_METHODS),
          url: z.string().min(1).max(2048),
          headers: z
            .record(z.string(), z.string().max(8192).regex(HEADER_VALUE, "must be a header value (no line breaks or control characters)"))
            .superRefine((headers, ctx) => {
              const bad = Object.keys(headers).find((name) => !HEADER_NAME.test(name));
              if (bad !== undefined) ctx.addIssue({ code: "custom", message: `has '${bad.slice(0, 40)}', which is not a header name` });
            })
            .optional(),
          body: z.unknown().optional(),
          dependsOn: z.array(z.string().min(1).max(128)).max(MAX_BATCH_REQUESTS).optional(),
        }),
      )
      .min(1)
      .max(MAX_BATCH_REQUESTS),
  })
  .superRefine(({ requests }, ctx) => {
    const seen = new Set<string>();
    requests.forEach((r, i) => {
      for (const dep of r.dependsOn ?? []) {
        // Earlier ids only: no cycle can be written, and the order of execution follows the order given.
        if (!seen.has(dep)) {
          ctx.addIssue({ code: "custom", path: ["requests", i, "dependsOn"], message: `names '${dep}', which is not the id of an earlier request in the batch` });
        }
      }
      if (seen.has(r.id)) ctx.addIssue({ code: "custom", path: ["requests", i, "id"], message: `'${r.id}' is used by more than one request` });
      if (r.method === "GET" && r.body !== undefined) ctx.addIssue({ code: "custom", path: ["requests", i, "body"], message: "is not allowed on a GET" });
      seen.add(r.id);
    });
  });
type BatchItem = z.infer<typeof batchRequestSchema>["requests"][number];

/** Headers an inner request takes from the outer one, whatever it says itself: who is calling, and from where. */
const FROM_OUTER = ["authorization", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-real-ip", "forwarded"];
/** Headers that describe the outer connection or message, not an inner request. */
const NOT_INNER = new Set([...FROM_OUTER, "host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer", "expect"]);
/** Response headers that say nothing inside a batch (CORS is the outer answer's). */
const NOT_ANSWERED = /^(access-control-|vary$|content-length$|transfer-encoding$|connection$)/;
/** Field names as Graph spells them; the rest are Title-Cased (the Graph SDK looks for `Content-Type` as is). */
const SPELLING: Record<string, string> = {
  etag: "ETag",
  "odata-version": "OData-Version",
  "www-authenticate": "WWW-Authenticate",
  "request-id": "request-id",
  "client-request-id": "client-request-id",
};
const spelled = (name: string) => SPELLING[name] ?? name.replace(/(^|-)([a-z])/g, (_, dash: string, ch: string) => dash + ch.toUpperCase());

interface BatchScope {
  authorization: string;
  principal: Principal;
}
/**
 * The batch each inner request belongs to, by its Request: its caller, and
 * the mark that refuses a nested $batch. (Not an AsyncLocalStorage: on Node 20
 * one would turn on promise hooks for the rest of the process.)
 */
const batchOf = new WeakMap<Request, BatchScope>();

/**
 * `deps` whose authenticate answers an inner request of a batch with the
 * batch's own principal (the outer request's token, verified once), so the
 * auth middleware runs on every inner request as on any call.
 */
export function reuseBatchCaller<D extends { authenticate: Authenticate }>(deps: D): D {
  const authenticate: Authenticate = (authorization, now, request) => {
    const scope = request === undefined ? undefined : batchOf.get(request);
    if (scope !== undefined && authorization === scope.authorization) return Promise.resolve(scope.principal);
    return deps.authenticate(authorization, now, request);
  };
  return { ...deps, authenticate };
}

/**
 * The inner request's path and query under `basePath`, from a URL relative to
 * the version root (`/me/notifications`, `me/notifications`) or to the origin
 * (`/graph/beta/me/notifications`, as the Graph SDK writes it); undefined for
 * an absolute URL or one that leaves the version root.
 */
function innerTarget(url: string, basePath: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith("//")) return undefined;
  let path = url.startsWith("/") ? url : `/${url}`;
  if (path === basePath || path.startsWith(`${basePath}/`) || path.startsWith(`${basePath}?`)) path = path.slice(basePath.length);
  const placeholder = "http://batch.invalid";
  let resolved: URL;
  try {
    resolved = new URL(`${basePath}${path}`, placeholder);
  } catch {
    return undefined;
  }
  if (resolved.origin !== placeholder || !resolved.pathname.startsWith(`${basePath}/`)) return undefined;
  return `${resolved.pathname}${resolved.search}`;
}

/** Whether the target is the live stream, which never ends and so cannot be one answer of many. */
function isStream(target: string): boolean {
  const path = target.split("?")[0]!;
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Undecodable: the route answers it (400) like any other path.
  }
  return /\/notifications\/stream\/?$/i.test(decoded);
}

/** A Graph error as one answer of the batch (a request that never ran carries the batch's request id). */
function errorItem(id: string, err: GraphError, requestId: string, clientRequestId: string | undefined): BatchResponseItem {
  return {
    id,
    status: err.status,
    headers: { "Content-Type": "application/json; charset=utf-8", ...err.headers },
    body: JSON.parse(errorBody(err, requestId, clientRequestId, new Date())) as unknown,
  };
}

/** An inner answer as Graph writes it in `responses`: JSON as JSON, text as a string, other bytes in base64, no body as none. */
async function answerItem(id: string, res: Response): Promise<BatchResponseItem> {
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (!NOT_ANSWERED.test(name)) headers[spelled(name)] = value;
  });
  const json = jsonAnswered(res);
  if (json !== undefined) return { id, status: res.status, headers, body: JSON.parse(json) as unknown };
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.byteLength === 0) return { id, status: res.status, headers };
  const type = (res.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  let body: unknown;
  if (type === "application/json" || type.endsWith("+json")) {
    const text = new TextDecoder().decode(bytes);
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = text;
    }
  } else if (type.startsWith("text/")) {
    body = new TextDecoder().decode(bytes);
  } else {
    body = Buffer.from(bytes).toString("base64");
  }
  return { id, status: res.status, headers, body };
}

/** Runs `task`s at most `width` at a time, in the order they ask. */
function limiter(width: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= width) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

type Dispatch = Hono<AppEnv>["fetch"];

/**
 * The $batch route. `dispatch` is the whole app's fetch: inner requests go
 * through every middleware (request ids, metrics, authentication) as calls do.
 */
export function batchRoutes(deps: Pick<AppDeps, "config" | "db">, { signedIn }: Pick<Authentication, "signedIn">, dispatch: Dispatch): Hono<AppEnv> {
  const { basePath } = deps.config;
  const routes = new Hono<AppEnv>();

  /** One inner request as a Request of its own on the outer request's origin, with the outer caller and client address. */
  function innerRequest(c: AppContext, item: BatchItem, target: string): Request {
    const headers = new Headers();
    for (const [name, value] of Object.entries(item.headers ?? {})) {
      if (!NOT_INNER.has(name.toLowerCase())) headers.set(name, value);
    }
    for (const name of FROM_OUTER) {
      const value = c.req.header(name);
      if (value !== undefined) headers.set(name, value);
    }
    if (!headers.has("user-agent")) {
      const agent = c.req.header("user-agent");
      if (agent !== undefined) headers.set("user-agent", agent);
    }
    // The body goes as the JSON it is, in bytes, kept in memory rather than in a web stream (read-body.ts);
    // its Content-Type is the inner request's own, and none is a 415 as for a call.
    return requestWithBodyInMemory(
      `${new URL(c.req.url).origin}${target}`,
      { method: item.method, headers, signal: c.req.raw.signal },
      item.body === undefined ? undefined : new TextEncoder().encode(JSON.stringify(item.body)),
    );
  }

  routes.post("/$batch", signedIn, async (c) => {
    // A nested batch would multiply the 20 (and its inner requests would reuse this caller anyway).
    if (batchOf.has(c.req.raw)) throw badRequest("A $batch request cannot be one of a batch's requests.");
    const principal = requireCaller(c);
    queryOptions(new URL(c.req.url), []);
    const { requests } = parseBody(batchRequestSchema, await readJsonObject(c.req.raw, { maxBytes: MAX_BATCH_BODY_BYTES }));
    const targets = requests.map((r, i) => {
      const target = innerTarget(r.url, basePath);
      if (target === undefined) throw badRequest(`requests.${i}.url must be a path relative to ${basePath} (e.g. /me/notifications), not '${r.url.slice(0, 100)}'`);
      return target;
    });

    const requestId = c.get("requestId");
    const clientRequestId = c.get("clientRequestId");
    const limit = limiter(Math.max(1, Math.min(BATCH_CONCURRENCY, Math.floor(deps.db.connections / 2))));
    const scope: BatchScope = { authorization: c.req.header("authorization") ?? "", principal };
    const run = async (item: BatchItem, target: string): Promise<BatchResponseItem> => {
      if (isStream(target)) {
        return errorItem(item.id, badRequest("The live stream cannot be batched: open GET /me/notifications/stream on its own."), requestId, clientRequestId);
      }
      return limit(async () => {
        const inner = innerRequest(c, item, target);
        batchOf.set(inner, scope);
        const res = await dispatch(inner, c.env);
        // A stream the path check did not foresee: never wait for its end.
        if ((res.headers.get("content-type") ?? "").toLowerCase().startsWith("text/event-stream")) {
          await res.body?.cancel();
          return errorItem(item.id, badRequest("A stream cannot be batched: send this request on its own."), requestId, clientRequestId);
        }
        return answerItem(item.id, res);
      });
    };
    const answers = new Map<string, Promise<BatchResponseItem>>();
    requests.forEach((item, i) => {
      const after = (item.dependsOn ?? []).map((dep) => answers.get(dep)!);
      answers.set(
        item.id,
        Promise.all(after).then((done) => {
          const failed = done.find((d) => d.status >= 400);
          if (failed === undefined) return run(item, targets[i]!);
          return errorItem(item.id, new GraphError("failedDependency", `Request '${failed.id}', which this one depends on, failed (${failed.status}).`), requestId, clientRequestId);
        }),
      );
    });
    const responses = await Promise.all([...answers.values()]);
    return odataJson(200, { responses });
  });
  routes.all("/$batch", methodNotAllowed("POST"));

  return routes;
}
