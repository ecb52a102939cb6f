// The worker's receipts (contract: "Support and audit"): for each display push
// that carries an action token, it tells the service that the push arrived
// (`received`) and what it did with it (`shown`, how: SHOWN_HOW), each a POST
// to /me/notifications/{id}/receipts with that token. State pushes carry no
// token and get none. Receipts that cannot be sent wait in the same queue as
// the notification actions (action-queue.ts) and are replayed with them.
// Pure decisions and a send with its dependencies passed in, as in
// notification-actions.ts, so Vitest runs them against a fake fetch.
import { isStatePush, type PushPayload } from "../contracts/push-payload";
import type { ReceiptBody, ShownHow } from "../contracts/support";
import type { PendingAction, SendDeps, SendResult } from "./notification-actions";
import { actionOutcome, type PushPlan } from "./push-decisions";

/** A receipt's body as the worker sends it: always with the device's time. */
export type Receipt = ReceiptBody & { at: string };

/** One receipt owed to the service, as sent and as queued while it cannot be sent. */
export interface PendingReceipt {
  /** The notification's id. */
  id: string;
  /** The push's action token: the receipt's only credential (it names the endpoint). */
  actionToken: string;
  receipt: Receipt;
  /** Sends tried so far that asked for a retry; absent = none. */
  attempts?: number;
}

/** What the offline queue holds: the user's actions and the worker's receipts, replayed oldest first. */
export type QueuedEntry = PendingAction | PendingReceipt;

export function isReceipt(entry: QueuedEntry): entry is PendingReceipt {
  return "receipt" in entry;
}

/**
 * The queue's key: sorts by the time of the action or receipt, then id and what it is; one entry per
 * notification and action or outcome (a receipt queued again replaces itself; the service keeps one
 * per endpoint and outcome anyway).
 */
export function queueKey(entry: QueuedEntry): string {
  return isReceipt(entry)
    ? `${entry.receipt.at}|${entry.id}|receipt:${entry.receipt.outcome}`
    : `${entry.actionTime}|${entry.id}|${entry.action}`;
}

/**
 * What became of a display push's own item in the worker: `shown` (showNotification resolved),
 * `showFailed` (it threw), `inPage` (a visible, focused tab confirmed it showed it), `notShown`
 * (nothing of the item was shown).
 */
export type ItemResult = "shown" | "showFailed" | "inPage" | "notShown";

/**
 * How the worker dealt with a push, as a `shown` receipt tells it; undefined when there is nothing
 * to tell (a state push). The plan says whether the item was to be shown at all: a display push the
 * plan neither shows nor hands to a tab is `suppressed` (the item is already settled, see
 * needsAttention), whatever else it showed (a display-only service's generic notification).
 */
export function shownHow(payload: PushPayload, plan: PushPlan, result: ItemResult): ShownHow | undefined {
  if (isStatePush(payload.kind)) return undefined;
  const planned = plan.toast || plan.show?.options.tag === payload.notification.id;
  if (!planned) return "suppressed";
  switch (result) {
    case "shown":
      return "system";
    case "showFailed":
      return "error";
    case "inPage":
      return "inPage";
    case "notShown":
      // Planned and then not shown: the plan promises one or the other, so this is not reached.
      return undefined;
  }
}

/** The receipt to post for this push, or undefined: state pushes and pushes without a token get none. */
function receiptFor(payload: PushPayload, receipt: Receipt): PendingReceipt | undefined {
  if (isStatePush(payload.kind) || !payload.actionToken) return undefined;
  return { id: payload.notification.id, actionToken: payload.actionToken, receipt };
}

/** `received`: posted as soon as the worker handles the push. */
export function receivedReceipt(payload: PushPayload | undefined, at: string): PendingReceipt | undefined {
  return payload && receiptFor(payload, { outcome: "received", at });
}

/** `shown`: posted once the worker knows what it did with the push (see shownHow). */
export function shownReceipt(payload: PushPayload | undefined, plan: PushPlan, result: ItemResult, at: string): PendingReceipt | undefined {
  if (!payload) return undefined;
  const how = shownHow(payload, plan, result);
  return how && receiptFor(payload, { outcome: "shown", how, at });
}

/**
 * What to do with a push's `shown` receipt, given what became of its `received` one: send it; queue
 * it unsent when `received` could not be sent either (the network or the service is failing right
 * now, and the push event should not wait for a second time-out); or skip it when `received` was
 * refused for good (401: the token is dead, the endpoint removed; 404: the item is gone), which its
 * `shown` would be too.
 */
export function shownAfterReceived(received: SendResult | undefined): "send" | "queue" | "skip" {
  if (received === "retry") return "queue";
  if (received === "drop") return "skip";
  return "send";
}

export function receiptRequest(apiBase: string, entry: PendingReceipt): { url: string; init: RequestInit } {
  return {
    url: `${apiBase}/me/notifications/${encodeURIComponent(entry.id)}/receipts`,
    init: {
      method: "POST",
      headers: { Authorization: `Bearer ${entry.actionToken}`, "Content-Type": "application/json" },
      body: JSON.stringify(entry.receipt),
      // The worker holds no cookies or user tokens; the action token is the only credential.
      credentials: "omit",
    },
  };
}

/**
 * Sends one receipt: "done" (204), "retry" (offline, a time-out, 408, 429, 5xx: queue it) or "drop"
 * (any other answer: 401 a dead token, 404 the item gone, 400 a body refused; never retried). A device
 * clock running ahead needs no care here: the service takes an `at` in its future as its own time.
 */
export async function sendReceipt(entry: PendingReceipt, deps: SendDeps): Promise<SendResult> {
  let res: Response;
  try {
    const { url, init } = receiptRequest(await deps.apiBase(), entry);
    res = await deps.fetch(url, init);
  } catch {
    return "retry";
  }
  const outcome = actionOutcome(res.status);
  if (outcome === "drop") console.warn(`[sw] ${entry.receipt.outcome} receipt for ${entry.id} refused (HTTP ${res.status}); dropped`);
  return outcome;
}
