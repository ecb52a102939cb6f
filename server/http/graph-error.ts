// Graph's error body and the status each code goes with.
export type GraphErrorCode =
  | "invalidRequest"
  | "unauthenticated"
  | "accessDenied"
  | "quotaLimitReached"
  | "itemNotFound"
  | "methodNotAllowed"
  | "resourceModified"
  | "failedDependency"
  | "payloadTooLarge"
  | "unsupportedMediaType"
  | "activityLimitReached"
  | "resyncRequired"
  | "generalException"
  | "serviceNotAvailable";

const STATUS: Record<GraphErrorCode, number> = {
  invalidRequest: 400,
  unauthenticated: 401,
  accessDenied: 403,
  quotaLimitReached: 403,
  itemNotFound: 404,
  methodNotAllowed: 405,
  resourceModified: 412,
  failedDependency: 424,
  payloadTooLarge: 413,
  unsupportedMediaType: 415,
  activityLimitReached: 429,
  resyncRequired: 410,
  generalException: 500,
  serviceNotAvailable: 503,
};

export class GraphError extends Error {
  readonly status: number;
  constructor(
    readonly code: GraphErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "GraphError";
    this.status = STATUS[code];
  }
}

export const badRequest = (message: string) => new GraphError("invalidRequest", message);
export const notFound = (message = "The requested resource does not exist.") => new GraphError("itemNotFound", message);

const CLIENT_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** The caller's client-request-id if it is one to echo (1-128 visible ASCII characters), else undefined. */
export function echoableClientRequestId(value: string | null | undefined): string | undefined {
  return value != null && CLIENT_REQUEST_ID.test(value) ? value : undefined;
}

/** Graph's innerError date: UTC, seconds precision, no zone letter. */
function graphDate(d: Date): string {
  return d.toISOString().slice(0, 19);
}

export function errorBody(err: GraphError, requestId: string, clientRequestId: string | undefined, now: Date): string {
  const innerError: Record<string, string> = { "request-id": requestId };
  if (clientRequestId !== undefined) innerError["client-request-id"] = clientRequestId;
  innerError.date = graphDate(now);
  return JSON.stringify({ error: { code: err.code, message: err.message, innerError } });
}

/** Graph's error answer: the body, its content type and the error's own headers (Allow, Retry-After, ...). */
export function graphErrorResponse(err: GraphError, requestId: string, clientRequestId: string | undefined): Response {
  const headers = new Headers({ "Content-Type": "application/json; charset=utf-8", ...err.headers });
  return new Response(errorBody(err, requestId, clientRequestId, new Date()), { status: err.status, headers });
}

/** The handler for a path's other methods: 405, naming the methods it serves. */
export const methodNotAllowed =
  (allowed: string) =>
  (c: { req: { method: string } }): never => {
    throw new GraphError("methodNotAllowed", `${c.req.method} is not allowed here (allowed: ${allowed}).`, { Allow: allowed });
  };

/** Every code with its status: the OpenAPI document lists, per status, the codes it may carry. */
export const GRAPH_ERROR_STATUS: Readonly<Record<GraphErrorCode, number>> = STATUS;
