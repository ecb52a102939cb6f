// The OpenAPI document's shared parts: security schemes, the parameters and
// headers many operations carry, and Graph's error answers per status. Limits
// and names come from where the service enforces them (contracts/, the
// parsers' constants), so the description follows the code.
import type { OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import type { z } from "zod";
import { SUPERSEDED_FIELDS_HEADER } from "../../contracts/notification";
import { API_AUDIENCE, API_USER_SCOPE, SEND_ROLE, SUPPORT_ROLE, USER_SCOPE } from "../../contracts/identity";
import { SUPPORT_REASON_HEADER, SUPPORT_REASON_MAX_LENGTH } from "../../contracts/support";
import { DEFAULT_TOP, MAX_TOP } from "../http/odata-query";
import { graphErrorCodes, graphErrorSchema } from "../http/schemas";
import { MAX_DELTA_PAGE } from "../notifications/delta";

type Document = ReturnType<OpenApiGeneratorV31["generateDocument"]>;
type Components = NonNullable<Document["components"]>;
export type Parameter = NonNullable<Components["parameters"]>[string];
type Header = NonNullable<Components["headers"]>[string];
type Response = NonNullable<Components["responses"]>[string];

// ---- who may call -----------------------------------------------------------

export const securitySchemes: NonNullable<Components["securitySchemes"]> = {
  delegated: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      `A signed-in user's access token (authorization code flow with PKCE) for the audience \`${API_AUDIENCE}\`, ` +
      `carrying \`${USER_SCOPE}\` in \`scp\`: request the scope \`${API_USER_SCOPE}\` from the identity provider ` +
      "the service trusts (its ISSUER: the local provider in development, Microsoft Entra ID in production; see the README). " +
      `Support staff's tokens also carry the app role \`${SUPPORT_ROLE}\` in \`roles\`.`,
  },
  appOnly: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      `An app server's access token from the client-credentials grant (scope \`${API_AUDIENCE}/.default\`): ` +
      `\`idtyp\` = \`app\`, and the app role \`${SEND_ROLE}\` in \`roles\` to send to the users of its tenant.`,
  },
  actionToken: {
    type: "http",
    scheme: "bearer",
    description:
      "The `actionToken` of a push payload (`uat1.…`): it may PATCH its one notification and POST that " +
      "notification's receipts, and nothing else (403 elsewhere), while the endpoint it was minted for exists.",
  },
};

type Requirement = Record<string, string[]>;

/** Security requirements (OpenAPI 3.1: the names listed for an http scheme are the scope or roles the token needs). */
export const security: Record<"public" | "user" | "support" | "app" | "userOrApp" | "userOrAction" | "action", Requirement[]> = {
  public: [],
  user: [{ delegated: [USER_SCOPE] }],
  support: [{ delegated: [USER_SCOPE, SUPPORT_ROLE] }],
  app: [{ appOnly: [SEND_ROLE] }],
  userOrApp: [{ delegated: [USER_SCOPE] }, { appOnly: [SEND_ROLE] }],
  userOrAction: [{ delegated: [USER_SCOPE] }, { actionToken: [] }],
  action: [{ actionToken: [] }],
};

// ---- parameters -------------------------------------------------------------

const ref = (kind: "parameters" | "headers" | "responses", name: string) => ({ $ref: `#/components/${kind}/${name}` });

export const parameters: Record<string, Parameter> = {
  ClientRequestId: {
    name: "client-request-id",
    in: "header",
    required: false,
    description: "Your id for this request (1-128 visible ASCII characters): echoed in the answer and in an error's innerError.",
    schema: { type: "string", pattern: "^[\\x21-\\x7e]{1,128}$" },
  },
  EndpointId: {
    name: "X-Endpoint-Id",
    in: "header",
    required: false,
    description: "The acting endpoint (this browser's registration id), recorded in the event log; that endpoint gets no push about its own change.",
    schema: { type: "string", pattern: "^[\\x21-\\x7e]{1,128}$" },
  },
  SupportReason: {
    name: SUPPORT_REASON_HEADER,
    in: "header",
    required: false,
    description:
      `Why support looks (a ticket id or a sentence), UTF-8 percent-encoded, at most ${SUPPORT_REASON_MAX_LENGTH} characters: ` +
      "required (400 without) on every read of another user's data, and written to the access log the user sees.",
    schema: { type: "string" },
  },
  UserId: {
    name: "userId",
    in: "path",
    required: true,
    description: "The user's object id (`oid`), or the userPrincipalName of a user the service has already seen.",
    schema: { type: "string" },
  },
  Skiptoken: {
    name: "$skiptoken",
    in: "query",
    required: false,
    description: "Opaque: only as found in a `@odata.nextLink`, which you follow as is.",
    schema: { type: "string" },
  },
  Filter: {
    name: "$filter",
    in: "query",
    required: false,
    description:
      "`field op value` clauses joined by `and`: `readState`, `userActionState`, `status`, `groupName`, `priority` with `eq`/`ne` " +
      "(`'quoted'` values, `null` for groupName), and `createdDateTime` with `ge`/`lt` (an ISO 8601 date-time). " +
      "Deleted items are left out unless the filter names `status`. Anything else is 400.",
    schema: { type: "string" },
    example: "readState eq 'unread' and status eq 'active'",
  },
  Search: {
    name: "$search",
    in: "query",
    required: false,
    description: 'One quoted phrase of up to 8 words (256 characters): each word must appear in the title, body or groupName, in any letter case.',
    schema: { type: "string", maxLength: 256 },
    example: '"build failed"',
  },
  OrderBy: {
    name: "$orderby",
    in: "query",
    required: false,
    description: "`createdDateTime desc` (the default) or `createdDateTime asc` (plain `createdDateTime` is ascending).",
    schema: { type: "string", enum: ["createdDateTime desc", "createdDateTime asc", "createdDateTime"] },
  },
  Count: {
    name: "$count",
    in: "query",
    required: false,
    description: "`true` adds `@odata.count`: how many items the query matches in all.",
    schema: { type: "boolean" },
  },
  Prefer: {
    name: "Prefer",
    in: "header",
    required: false,
    description: `\`odata.maxpagesize=N\`: items per page (at most ${MAX_DELTA_PAGE}); the answer's Preference-Applied says the size used.`,
    schema: { type: "string" },
    example: "odata.maxpagesize=50",
  },
};

/** `$top`: its default differs by route. */
export function topParameter(defaultTop = DEFAULT_TOP): Parameter {
  return {
    name: "$top",
    in: "query",
    required: false,
    description: `Items per page, 1 to ${MAX_TOP}.`,
    schema: { type: "integer", minimum: 1, maximum: MAX_TOP, default: defaultTop },
  };
}

/** A GUID path segment: anything else cannot name one, and answers 404 like an id that names nothing. */
export function guidPathParameter(name: string, description: string): Parameter {
  return { name, in: "path", required: true, description, schema: { type: "string", format: "uuid" } };
}

export const parameterRef = (name: keyof typeof parameters) => ref("parameters", name);

// ---- response headers ---------------------------------------------------------

export const headers: Record<string, Header> = {
  RequestId: { description: "This request's id (a GUID): quote it when asking about a request.", schema: { type: "string", format: "uuid" } },
  ClientRequestId: { description: "Your client-request-id, echoed when it was one to echo.", schema: { type: "string" } },
  ODataVersion: { description: "`4.0`.", schema: { type: "string", const: "4.0" } },
  ETag: { description: "The item's version, as its `@odata.etag`: send it in If-Match.", schema: { type: "string" } },
  Location: { description: "The new notification's URL.", schema: { type: "string", format: "uri" } },
  PreferenceApplied: { description: "The page size used (`odata.maxpagesize=N`), when Prefer asked for one.", schema: { type: "string" } },
  SupersededFields: {
    description: "Fields of this change not applied because another endpoint changed them after X-Action-Time (e.g. `readState`).",
    schema: { type: "string" },
  },
  RetryAfter: { description: "Seconds to wait before trying again.", schema: { type: "integer", minimum: 0 } },
  WWWAuthenticate: { description: "`Bearer` with the error, as RFC 6750 has it.", schema: { type: "string" } },
};

/** The headers every answer carries, and those named. */
export function responseHeaders(...named: (keyof typeof headers)[]): Record<string, { $ref: string }> {
  const out: Record<string, { $ref: string }> = { "request-id": ref("headers", "RequestId"), "client-request-id": ref("headers", "ClientRequestId") };
  const wire: Record<string, string> = {
    ODataVersion: "OData-Version",
    ETag: "ETag",
    Location: "Location",
    PreferenceApplied: "Preference-Applied",
    SupersededFields: SUPERSEDED_FIELDS_HEADER,
    RetryAfter: "Retry-After",
    WWWAuthenticate: "WWW-Authenticate",
  };
  for (const name of named) out[wire[name] ?? name] = ref("headers", name);
  return out;
}

// ---- errors -------------------------------------------------------------------

/** Graph's error answer for each status the service sends, with what it means across the API. */
const ERROR_RESPONSES: Record<number, { name: string; description: string; headers?: (keyof typeof headers)[] }> = {
  400: { name: "BadRequest", description: "`invalidRequest`: a query option, header, path or body is not acceptable; the message names what." },
  401: {
    name: "Unauthorized",
    description:
      "`unauthenticated`: no token, or one that is not valid here (signature, issuer, audience, expiry, scope or roles). " +
      "An action token is checked wherever it is sent, public paths included.",
    headers: ["WWWAuthenticate"],
  },
  403: {
    name: "Forbidden",
    description:
      "`accessDenied`: the token is valid but may not do this (an app-only token on /me, a missing role, " +
      "an action token used anywhere but its own notification); `quotaLimitReached`: the user's inbox is full.",
  },
  404: { name: "NotFound", description: "`itemNotFound`: nothing by that id for this caller (another user's item is answered the same)." },
  410: { name: "Gone", description: "`resyncRequired`: the token is older than the history window; start a new round without one." },
  412: { name: "PreconditionFailed", description: "`resourceModified`: the item changed since the ETag in If-Match." },
  413: { name: "PayloadTooLarge", description: "`payloadTooLarge`: the body is over the size limit (decompressed too)." },
  415: {
    name: "UnsupportedMediaType",
    description: "`unsupportedMediaType`: a body needs `Content-Type: application/json` (UTF-8), and Content-Encoding, if any, gzip or deflate.",
  },
  429: {
    name: "TooManyRequests",
    description: "`activityLimitReached`: over a rate limit (per caller, per recipient, or per client address before sign-in). Wait Retry-After seconds.",
    headers: ["RetryAfter"],
  },
  503: {
    name: "ServiceUnavailable",
    description: "`serviceNotAvailable`: the service cannot reach its store just now. Wait Retry-After seconds.",
    headers: ["RetryAfter"],
  },
};

export type ErrorStatus = keyof typeof ERROR_RESPONSES;

/** The error bodies as zod, one per status, each naming the codes it carries. */
export function errorSchemas(): z.ZodType[] {
  return Object.keys(ERROR_RESPONSES).map((status) =>
    graphErrorSchema(graphErrorCodes(Number(status))).meta({
      id: `GraphError${status}`,
      description: `Graph's error body with a ${status} status.`,
    }),
  );
}

export function errorResponses(): Record<string, Response> {
  const out: Record<string, Response> = {};
  for (const [status, r] of Object.entries(ERROR_RESPONSES)) {
    out[r.name] = {
      description: r.description,
      headers: responseHeaders(...(r.headers ?? [])),
      content: { "application/json": { schema: { $ref: `#/components/schemas/GraphError${status}` } } },
    };
  }
  return out;
}

/** Route responses for `statuses`, each a reference to its shared error answer. */
export function errors(statuses: readonly ErrorStatus[]): Record<string, { $ref: string }> {
  return Object.fromEntries(statuses.map((s) => [String(s), ref("responses", ERROR_RESPONSES[s]!.name)]));
}
