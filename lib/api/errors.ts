// Graph error bodies turned into one typed error the UI can show: message, code and request-id.

export interface GraphErrorBody {
  error?: {
    code?: unknown;
    message?: unknown;
    innerError?: { "request-id"?: unknown; "client-request-id"?: unknown; date?: unknown };
  };
}

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    /** Graph error code, e.g. `itemNotFound`; `networkError` when no response arrived. */
    readonly code: string,
    message: string,
    readonly requestId: string | undefined,
    readonly clientRequestId: string | undefined,
    /** Seconds the server asked us to wait (429/503), when it said. */
    readonly retryAfterSeconds: number | undefined = undefined,
  ) {
    super(message);
  }
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Retry-After as seconds: either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

const FALLBACK_CODES: Record<number, string> = {
  400: "invalidRequest",
  401: "unauthenticated",
  403: "accessDenied",
  404: "itemNotFound",
  405: "methodNotAllowed",
  410: "resyncRequired",
  412: "resourceModified",
  413: "payloadTooLarge",
  415: "unsupportedMediaType",
  429: "activityLimitReached",
  503: "serviceNotAvailable",
};

/** Builds an ApiError from a non-2xx response, whatever its body turned out to be. */
export async function apiErrorFromResponse(response: Response, clientRequestId?: string): Promise<ApiError> {
  let body: GraphErrorBody | undefined;
  const text = await response.text().catch(() => "");
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed as GraphErrorBody;
  } catch {
    // A proxy or crash page: keep the status, fall back to a generic message below.
  }
  const inner = body?.error?.innerError;
  const code = str(body?.error?.code) ?? FALLBACK_CODES[response.status] ?? (response.status >= 500 ? "generalException" : "unknownError");
  const message =
    str(body?.error?.message) ?? `The service answered ${response.status}${response.statusText ? ` ${response.statusText}` : ""}.`;
  return new ApiError(
    response.status,
    code,
    message,
    str(inner?.["request-id"]) ?? response.headers.get("request-id") ?? undefined,
    str(inner?.["client-request-id"]) ?? response.headers.get("client-request-id") ?? clientRequestId,
    parseRetryAfter(response.headers.get("retry-after")),
  );
}
