// The one API call the sender makes: POST /users/{id}/notifications, with Graph
// errors turned into a typed error that carries code, message and request id.
import { randomUUID } from "node:crypto";
import type { NotificationRequest } from "./send-args";

export interface CreatedNotification {
  id: string;
  location: string | null;
  requestId: string | null;
  body: Record<string, unknown>;
}

export class GraphApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
    readonly clientRequestId: string,
    readonly retryAfter: string | null,
  ) {
    super(message);
    this.name = "GraphApiError";
  }
}

interface GraphErrorBody {
  error?: { code?: unknown; message?: unknown; innerError?: { "request-id"?: unknown } };
}

export async function postNotification(
  apiUrl: string,
  accessToken: string,
  to: string,
  request: NotificationRequest,
): Promise<CreatedNotification> {
  const url = `${apiUrl.replace(/\/+$/, "")}/users/${encodeURIComponent(to)}/notifications`;
  // Our own id for the call, so a failure can be matched with the service's log.
  const clientRequestId = randomUUID();
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${accessToken}`,
        "content-type": "application/json",
        accept: "application/json",
        "client-request-id": clientRequestId,
      },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new GraphApiError(0, "connectionFailed", `cannot reach the notifications API at ${url} (${cause})`, null, clientRequestId, null);
  }

  const requestId = res.headers.get("request-id");
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: reported below with the status.
  }

  if (!res.ok) {
    const err = (json as GraphErrorBody | null)?.error;
    const bodyRequestId = err?.innerError?.["request-id"];
    throw new GraphApiError(
      res.status,
      typeof err?.code === "string" ? err.code : `http${res.status}`,
      typeof err?.message === "string" ? err.message : text.slice(0, 200) || res.statusText,
      typeof bodyRequestId === "string" ? bodyRequestId : requestId,
      clientRequestId,
      res.headers.get("retry-after"),
    );
  }

  const body = json as Record<string, unknown> | null;
  if (!body || typeof body.id !== "string") {
    throw new GraphApiError(res.status, "invalidResponse", `the API answered ${res.status} without a notification id`, requestId, clientRequestId, null);
  }
  return { id: body.id, location: res.headers.get("location"), requestId, body };
}
