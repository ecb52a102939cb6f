// The push payload the service sends (contract: "What the service pushes"),
// and what the service worker and the app's pages say to each other. The
// service builds the payload (server/push/send/payload.ts), the worker
// validates and shows it (sw/push-decisions.ts), the pages read the worker's
// messages (lib/push/worker-messages.ts) and ask it for its notifications
// (lib/push/worker-notifications.ts): one definition for all of them.
import type { Notification } from "./notification";

/** What a push tells: a display push (`created`, `updated`) or a state push (`stateChanged`, `deleted`). */
export const PUSH_KINDS = ["created", "updated", "stateChanged", "deleted"] as const;
export type PushKind = (typeof PUSH_KINDS)[number];

/** State pushes only close an OS notification and update the badge; display pushes show one. */
export function isStatePush(kind: PushKind): boolean {
  return kind === "stateChanged" || kind === "deleted";
}

/** The notification as a push carries it: the resource's state, its title and body flattened. */
export type PushNotificationView = Pick<
  Notification,
  "id" | "priority" | "readState" | "userActionState" | "status" | "createdDateTime" | "expirationDateTime"
> &
  Partial<Pick<Notification, "groupName">> & { title?: string; body?: string };

/** The decrypted push message (at most 3,000 bytes of JSON). */
export interface PushPayload {
  v: 1;
  kind: PushKind;
  notification: PushNotificationView;
  unreadCount: number;
  /** Bearer token for PATCH /me/notifications/{notification.id} only. */
  actionToken?: string;
  /**
   * Ids of this user's notifications that were read, dismissed or deleted
   * since this endpoint's previous push. Sent to endpoints that get no state
   * pushes (display-only push services), so the worker can close them.
   */
  settledIds?: string[];
}

/** Service worker → pages (postMessage to every window client). */
export type WorkerMessage =
  /** Something changed on the server: revalidate the list and the count. */
  | { type: "notifications-changed"; kind: PushKind; notificationId: string; unreadCount: number }
  /** A push arrived while this tab is visible and focused: show it in the page, not as an OS notification. */
  | { type: "notification-received"; notification: PushNotificationView; unreadCount: number }
  /** The browser replaced the push subscription: the page must register the new one. */
  | { type: "push-subscription-changed" };

/**
 * Pages → service worker: list or close this app's OS notifications. Only the worker reads them, in turn
 * with the pushes it handles: Chromium's getNotifications() deletes from its store every notification the
 * platform does not yet report as displayed, so a page reading while the worker shows one loses it (it
 * stays on screen, its buttons do nothing, and no later push can close it). The worker validates it
 * (sw/push-decisions.ts) and answers on the message's port with a {@link NotificationsAnswer}.
 */
export type NotificationsRequest =
  /** Which notifications are shown (their tags: the item ids). */
  | { type: "list-notifications" }
  /** Close those with these tags, or all of them (sign-out). */
  | { type: "close-notifications"; tags: string[] | "all" };

/** The worker's answer: the tags shown (list), or the tags it closed (close). */
export interface NotificationsAnswer {
  tags: string[];
}

/**
 * An item worth an OS notification: live, unread and untouched. The worker
 * shows by it and the page closes by it, so the two agree on what stays shown.
 */
export function needsAttention(n: Pick<PushNotificationView, "status" | "readState" | "userActionState">): boolean {
  return n.status === "active" && n.readState === "unread" && n.userActionState === "noInteraction";
}

/** Query string that opens one notification in the inbox (`/?open=<id>`). */
export const OPEN_PARAM = "open";

/** Notification action ids (the buttons on the OS notification). */
export const ACTION_MARK_READ = "mark-read";
export const ACTION_DISMISS = "dismiss";
