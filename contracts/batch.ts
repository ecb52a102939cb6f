// JSON batching (contract: Microsoft Graph's `POST /$batch`): up to 20
// requests in one call, each answered with its own status, headers and body.
// The service validates and runs it (server/http/batch.ts); tests and clients
// share these shapes. The Graph SDK's BatchRequestContent/BatchResponseContent
// write and read the same JSON.

/** The most requests one batch may carry (Graph's limit). */
export const MAX_BATCH_REQUESTS = 20;

/** The methods an inner request may use. */
export const BATCH_METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"] as const;
export type BatchMethod = (typeof BATCH_METHODS)[number];

export interface BatchRequestItem {
  /** Unique within the batch; the answer carries it back. */
  id: string;
  method: BatchMethod;
  /** Relative to the version root (`/me/notifications?$top=5`); the base path (`/graph/beta/me/…`) is accepted too. */
  url: string;
  /** A request with a body needs `Content-Type: application/json` here, as a call of its own does. */
  headers?: Record<string, string>;
  /** The request's JSON body (not for GET). */
  body?: unknown;
  /** Ids of earlier requests in the batch that must have succeeded first (else this one is 424). */
  dependsOn?: string[];
}

export interface BatchRequestBody {
  requests: BatchRequestItem[];
}

export interface BatchResponseItem {
  id: string;
  status: number;
  /** The inner answer's headers (`Content-Type`, `ETag`, `Location`, `request-id`, …). */
  headers: Record<string, string>;
  /** The inner answer's JSON (a text answer, such as `$count`, as a string); absent when it has none (204). */
  body?: unknown;
}

export interface BatchResponseBody {
  /** One per request, in the order the requests were given (Graph allows any order: match by id). */
  responses: BatchResponseItem[];
}
