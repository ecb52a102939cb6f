// Sending one notification action (PATCH with the push payload's action token)
// and deciding what happens to it. Dependencies are passed in, so tests run it
// against a fake fetch; the worker passes its own fetch and /runtime-config.
import { actionOutcome, patchBody, type NotificationAction } from "./push-decisions";
import { ACTION_TIME_HEADER } from "../contracts/notification";

/** One action the user took, as queued while offline (kept until sent or refused). */
export interface PendingAction {
  id: string;
  action: NotificationAction;
  actionToken: string;
  /** When the user acted (ISO 8601): sent as X-Action-Time, so a late replay loses to newer changes. */
  actionTime: string;
  /** Sends tried so far that asked for a retry (network failure, 408, 429, 5xx); absent = none. */
  attempts?: number;
}

/**
 * Retries an action gets before it is given up. Queued actions are replayed on every push, sync and
 * activate: a service that keeps answering 5xx (or a request it can never accept) must not be sent the
 * same PATCH for the rest of the token's life.
 */
export const MAX_ACTION_ATTEMPTS = 10;

/** The entry (an action or a receipt) to keep after one more failed send, or undefined once it has had its attempts. */
export function afterFailedAttempt<T extends { attempts?: number }>(entry: T): T | undefined {
  const attempts = (entry.attempts ?? 0) + 1;
  return attempts >= MAX_ACTION_ATTEMPTS ? undefined : { ...entry, attempts };
}

export type SendResult = "done" | "drop" | "retry";

export interface SendDeps {
  fetch: (input: string, init: RequestInit) => Promise<Response>;
  /** The API base URL, absolute (may throw when offline). */
  apiBase: () => Promise<string>;
}

export function actionRequest(apiBase: string, entry: PendingAction): { url: string; init: RequestInit } {
  return {
    url: `${apiBase}/me/notifications/${encodeURIComponent(entry.id)}`,
    init: {
      method: "PATCH",
      headers: {
        Authorization: `Bearer ${entry.actionToken}`,
        "Content-Type": "application/json",
        [ACTION_TIME_HEADER]: entry.actionTime,
      },
      body: JSON.stringify(patchBody(entry.action)),
      // The worker holds no cookies or user tokens; the action token is the only credential.
      credentials: "omit",
    },
  };
}

/** Sends one action: "done" (applied), "drop" (refused for good) or "retry" (offline, 429, 5xx). */
export async function sendAction(entry: PendingAction, deps: SendDeps): Promise<SendResult> {
  let res: Response;
  try {
    const { url, init } = actionRequest(await deps.apiBase(), entry);
    res = await deps.fetch(url, init);
  } catch {
    // A network failure (offline, server down): keep it for background sync.
    return "retry";
  }
  const clamped = res.status === 400 ? clampedToServerClock(entry, res.headers.get("Date")) : undefined;
  if (clamped) return sendAction(clamped, deps);
  const outcome = actionOutcome(res.status);
  if (outcome === "drop") console.warn(`[sw] ${entry.action} on ${entry.id} refused (HTTP ${res.status}); dropped`);
  return outcome;
}

/**
 * A device whose clock runs ahead of the service's stamps actions "in the future", which the service
 * refuses (400). The refusal carries the service's own time (`Date`): the action is resent once,
 * stamped no later than that. Undefined when the 400 has another cause.
 */
export function clampedToServerClock(entry: PendingAction, serverDate: string | null): PendingAction | undefined {
  const server = serverDate ? Date.parse(serverDate) : Number.NaN;
  if (Number.isNaN(server) || Date.parse(entry.actionTime) <= server) return undefined;
  return { ...entry, actionTime: new Date(server).toISOString() };
}
