// What the service worker and the app's pages say to each other, and the push
// payload the service sends (contract: "What the service pushes"). Imported by
// both `sw/` and the page code, so the two sides cannot drift apart. The service
// (`server/push/payload.ts`) builds the same payload: it imports these types
// with `import type` only (erased at compile time, no browser code runs on the
// server) — the one deliberate exception to "server/ never imports lib/".

export type PushKind = "created" | "updated" | "stateChanged" | "deleted";

export interface PushNotificationView {
  id: string;
  title?: string;
  body?: string;
  groupName?: string | null;
  priority: "None" | "High" | "Low";
  readState: "unread" | "read";
  userActionState: "noInteraction" | "activated" | "dismissed" | "snoozed";
  status: "active" | "deleted";
  createdDateTime: string;
  expirationDateTime: string;
}

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
