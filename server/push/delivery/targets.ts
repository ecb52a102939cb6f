// Which endpoints get a push (contract: "What the service pushes").
//
// THE RULE. Only endpoints on an allowed push service are ever sent to (the
// allowlist, and each push service's `statePushes` fact, are in
// ../push-services.ts). Some browsers punish a push that shows nothing: Safari
// and iOS revoke the subscription, Firefox spends a small silent-push quota and
// then drops it. Hence:
// 2. Display pushes (kind `created`/`updated`, and a snoozed item waking up)
//    go to every allowed webPush endpoint whose notification's targetPolicy
//    includes webPush, while the item is still worth showing (isDisplayable).
// 3. State pushes (kind `stateChanged`/`deleted`: read, dismissed, deleted
//    elsewhere; they only close an OS notification and update the badge) go
//    only to endpoints on a push service with `statePushes: true` AND that were
//    delivered a display push of that notification (they have something to
//    close; deliveryTargetsQuery reads only those for a state push).
// 4. Endpoints without state pushes are reconciled instead: their next display
//    push carries `settledIds` (notifications settled since their previous
//    delivered push), and the app closes stale notifications against the
//    server's state when it opens.
import { isStatePush, type PushKind } from "../../../contracts/push-payload";
import type { SkipReason } from "../../../contracts/support";
import type { PushServiceRules } from "../push-services";
import { MAX_SETTLED_IDS } from "../send/payload";
import type { PushedNotificationRow, TargetRow } from "./queries";

/** Rule 2: why an event no longer deserves a display push, given the item's current state (undefined: it does). */
export function notDisplayableReason(row: PushedNotificationRow, eventKind: string, now: Date): SkipReason | undefined {
  if (row.expiration.getTime() <= now.getTime()) return "expired";
  if (row.status !== "active") return "settledBeforeSent";
  // Its displayTimeToLive has run out: the OS notification may no longer be shown (TTL would be 0).
  if (row.display_until !== null && row.display_until.getTime() <= now.getTime()) return "displayWindowOver";
  if (row.action_state === "dismissed" || row.action_state === "snoozed") return "settledBeforeSent";
  // Read elsewhere before the push went out: showing it would be spurious.
  // A snooze ending shows the item again even if it had been read.
  return row.read_state === "unread" || eventKind === "woke" ? undefined : "settledBeforeSent";
}

/** Rule 2: whether an event still deserves a display push, given the item's current state. */
export function isDisplayable(row: PushedNotificationRow, eventKind: string, now: Date): boolean {
  return notDisplayableReason(row, eventKind, now) === undefined;
}

/** Rules 2 and 3 on the notification: why a push of `kind` is owed to none of its webPush endpoints (undefined: it is owed). */
export function notOwedReason(kind: PushKind, row: PushedNotificationRow, eventKind: string, now: Date): SkipReason | undefined {
  if (!row.platform_types.some((p) => p.toLowerCase() === "webpush")) return "targetPolicy";
  return isStatePush(kind) ? undefined : notDisplayableReason(row, eventKind, now);
}

/** Rules 2 and 3 on the notification: a push of `kind` is owed to its webPush endpoints at all. */
export function isPushOwed(kind: PushKind, row: PushedNotificationRow, eventKind: string, now: Date): boolean {
  return notOwedReason(kind, row, eventKind, now) === undefined;
}

export interface TargetChoice {
  /** Endpoints that get this push. */
  send: TargetRow[];
  /** Endpoints skipped by the rule (refused, or a display-only push service for a state push). */
  skipped: TargetRow[];
  /** Of `send`, those on a display-only push service (rule 4: they are reconciled through settledIds). */
  displayOnly: TargetRow[];
}

/**
 * Rules 2 and 3 on each endpoint: display pushes go to every allowed endpoint;
 * state pushes only to endpoints whose push service accepts pushes that show
 * nothing AND that were shown this notification. Refused (no longer allowed)
 * endpoints never get anything. Each endpoint's push service is checked once.
 */
export function chooseTargets(kind: PushKind, targets: readonly TargetRow[], rules: PushServiceRules): TargetChoice {
  const send: TargetRow[] = [];
  const displayOnly: TargetRow[] = [];
  const skipped: TargetRow[] = [];
  for (const t of targets) {
    const rule = rules.check(t.push_endpoint);
    if (!rule.allowed || (isStatePush(kind) && (!rule.statePushes || !t.displayed))) {
      skipped.push(t);
      continue;
    }
    send.push(t);
    if (!rule.statePushes) displayOnly.push(t);
  }
  return { send, skipped, displayOnly };
}

/** Rule 4: the earliest time any of these endpoints needs settled items from (undefined for none). */
export function settledSinceOf(displayOnly: readonly TargetRow[]): Date | undefined {
  if (displayOnly.length === 0) return undefined;
  return new Date(Math.min(...displayOnly.map((t) => t.settled_since.getTime())));
}

/**
 * Rule 4: each display-only endpoint's settledIds — of the items settled
 * (newest first), those settled after its own last delivered push, at most
 * MAX_SETTLED_IDS. Endpoints with nothing to close are left out.
 */
export function settledIdsFor(
  displayOnly: readonly TargetRow[],
  settled: ReadonlyArray<{ id: string; at: Date }>,
): Map<string, string[]> {
  const byEndpoint = new Map<string, string[]>();
  for (const t of displayOnly) {
    const ids = settled.filter((s) => s.at.getTime() > t.settled_since.getTime()).map((s) => s.id);
    if (ids.length > 0) byEndpoint.set(t.id, ids.slice(0, MAX_SETTLED_IDS));
  }
  return byEndpoint;
}
