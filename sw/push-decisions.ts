// The service worker's decisions, as pure functions: what a push shows, closes
// and tells the pages; which push services are display-only; what each
// notification action sends. No worker globals here, so Vitest imports this
// module directly and the root tsconfig (DOM lib) type-checks it too.
import {
  ACTION_DISMISS,
  ACTION_MARK_READ,
  OPEN_PARAM,
  PUSH_KINDS,
  needsAttention,
  type NotificationsRequest,
  type PushPayload,
} from "../contracts/push-payload";
import { NOTIFICATION_STATUSES, READ_STATES, USER_ACTION_STATES } from "../contracts/notification";

export const ICON_URL = "/icons/icon-192.png";
/** Monochrome (white on transparent): Android draws it in the status bar. */
export const BADGE_URL = "/icons/badge-96.png";
/** Tag of the generic notification a display-only service gets for a push with nothing else to show. */
export const GENERIC_TAG = "inbox-generic";

function isString(v: unknown): v is string {
  return typeof v === "string";
}

/** Validates the decrypted push text; `undefined` for anything not shaped as the contract's payload. */
export function parsePushPayload(text: string | null | undefined): PushPayload | undefined {
  if (!text) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== "object" || raw === null) return undefined;
  const p = raw as Record<string, unknown>;
  if (p.v !== 1 || !(PUSH_KINDS as readonly unknown[]).includes(p.kind)) return undefined;
  if (typeof p.unreadCount !== "number" || !Number.isFinite(p.unreadCount) || p.unreadCount < 0) return undefined;
  const n = p.notification as Record<string, unknown> | null | undefined;
  if (typeof n !== "object" || n === null || !isString(n.id) || n.id === "") return undefined;
  if (!(READ_STATES as readonly unknown[]).includes(n.readState)) return undefined;
  if (!(USER_ACTION_STATES as readonly unknown[]).includes(n.userActionState)) return undefined;
  if (!(NOTIFICATION_STATUSES as readonly unknown[]).includes(n.status)) return undefined;
  if (p.actionToken !== undefined && !isString(p.actionToken)) return undefined;
  if (p.settledIds !== undefined && !(Array.isArray(p.settledIds) && p.settledIds.every(isString))) return undefined;
  return raw as PushPayload;
}

/** The badge value for an unread count: `0` means clear it. */
export function badgeValue(unreadCount: number): number {
  return Number.isFinite(unreadCount) && unreadCount > 0 ? Math.floor(unreadCount) : 0;
}

/** What the worker keeps in `notification.data`, read back on click/close. */
export interface ShownNotificationData {
  id: string;
  actionToken?: string;
}

export interface ShowNotification {
  title: string;
  options: {
    body?: string;
    icon: string;
    badge: string;
    tag: string;
    timestamp: number;
    renotify: boolean;
    data: ShownNotificationData;
    actions: { action: string; title: string }[];
  };
}

export interface PushPlan {
  badge: number;
  /** Tags of displayed notifications to close. */
  close: string[];
  /** An OS notification to show, or none. */
  show?: ShowNotification;
  /** Post `notification-received` to the focused tab instead of showing. */
  toast: boolean;
}

export interface PushContext {
  /** This endpoint's push service must show a notification for every push. */
  displayOnly: boolean;
  /** A tab of the app is visible and focused. */
  focusedWindow: boolean;
}

export function notificationToShow(payload: PushPayload): ShowNotification {
  const n = payload.notification;
  const created = Date.parse(n.createdDateTime);
  return {
    title: n.title?.trim() || "New notification",
    options: {
      body: n.body ?? undefined,
      icon: ICON_URL,
      badge: BADGE_URL,
      tag: n.id,
      timestamp: Number.isFinite(created) ? created : Date.now(),
      // An update replaces the notification with the same tag; alert again, as for a new one.
      renotify: payload.kind === "updated",
      data: payload.actionToken ? { id: n.id, actionToken: payload.actionToken } : { id: n.id },
      actions: [
        { action: ACTION_MARK_READ, title: "Mark as read" },
        { action: ACTION_DISMISS, title: "Dismiss" },
      ],
    },
  };
}

/** A page's request to list or close notifications (anything can be posted): validated, or undefined. */
export function parseNotificationsRequest(data: unknown): NotificationsRequest | undefined {
  if (!data || typeof data !== "object") return undefined;
  const m = data as Record<string, unknown>;
  if (m.type === "list-notifications") return { type: "list-notifications" };
  if (m.type !== "close-notifications") return undefined;
  if (m.tags === "all") return { type: "close-notifications", tags: "all" };
  if (!Array.isArray(m.tags) || !m.tags.every((t): t is string => typeof t === "string")) return undefined;
  return { type: "close-notifications", tags: [...m.tags] };
}

/** Decides, for one well-formed push, what to show, close and post. */
export function planPush(payload: PushPayload, ctx: PushContext): PushPlan {
  const n = payload.notification;
  const close = new Set(payload.settledIds ?? []);
  const plan: PushPlan = { badge: badgeValue(payload.unreadCount), close: [], toast: false };
  if (needsAttention(n)) {
    close.delete(n.id);
    if (payload.kind === "created" || payload.kind === "updated") {
      if (ctx.focusedWindow && !ctx.displayOnly) plan.toast = true;
      else {
        plan.show = notificationToShow(payload);
        // A real notification replaces the generic one (its count is out of date now).
        if (ctx.displayOnly) close.add(GENERIC_TAG);
      }
    }
    // stateChanged/deleted of an item still needing attention (e.g. a snooze ended): leave it as it is.
  } else {
    close.add(n.id);
  }
  plan.close = [...close];
  // A display-only service revokes a subscription whose push shows nothing. The service sends such
  // endpoints display pushes only, but the item can be read between its check and the send (or a
  // state push can slip through): then show the inbox's count rather than nothing.
  if (ctx.displayOnly && !plan.show) plan.show = genericNotification(payload.unreadCount);
  return plan;
}

function summaryText(unreadCount: number | undefined): string {
  if (unreadCount === undefined) return "You have new notifications.";
  const n = badgeValue(unreadCount);
  if (n === 0) return "You're all caught up.";
  return n === 1 ? "You have 1 unread notification." : `You have ${n} unread notifications.`;
}

/**
 * The one notification a display-only service gets when a push has nothing of its own to show (an
 * unreadable payload, or an item already settled): always the same tag, so it replaces itself.
 */
export function genericNotification(unreadCount?: number): ShowNotification {
  return {
    title: "Inbox",
    options: {
      body: summaryText(unreadCount),
      icon: ICON_URL,
      badge: BADGE_URL,
      tag: GENERIC_TAG,
      timestamp: Date.now(),
      renotify: false,
      data: { id: "" },
      actions: [],
    },
  };
}

export type NotificationAction = "mark-read" | "dismiss" | "activate" | "close";

/** Which action a `notificationclick` means: a button, or the body (`""`). */
export function clickAction(action: string): NotificationAction | undefined {
  if (action === ACTION_MARK_READ) return "mark-read";
  if (action === ACTION_DISMISS) return "dismiss";
  if (action === "") return "activate";
  return undefined;
}

/** The PATCH body each action sends (contract: Changing state). */
export function patchBody(action: NotificationAction): Record<string, string> {
  switch (action) {
    case "mark-read":
      return { readState: "read" };
    case "dismiss":
    case "close":
      return { userActionState: "dismissed" };
    case "activate":
      return { userActionState: "activated", readState: "read" };
  }
}

/** Badge after an action on a shown (so unread) notification: one fewer when it leaves the unread set. */
export function badgeAfterAction(current: number, action: NotificationAction): number {
  // Dismissing does not change readState, so the unread count stays.
  return action === "dismiss" || action === "close" ? badgeValue(current) : badgeValue(current - 1);
}

/** What to do with a PATCH answer: done, drop (token expired, item gone, request refused), or keep to retry. */
export function actionOutcome(status: number): "done" | "drop" | "retry" {
  if (status >= 200 && status < 300) return "done";
  if (status === 408 || status === 429 || status >= 500) return "retry";
  return "drop";
}

export function readShownData(data: unknown): ShownNotificationData | undefined {
  if (typeof data !== "object" || data === null) return undefined;
  const d = data as Record<string, unknown>;
  if (!isString(d.id) || d.id === "") return undefined;
  return isString(d.actionToken) ? { id: d.id, actionToken: d.actionToken } : { id: d.id };
}

/** The inbox URL that opens one notification. */
export function openUrl(origin: string, id: string): string {
  const url = new URL("/", origin);
  url.searchParams.set(OPEN_PARAM, id);
  return url.href;
}

/** `apiBaseUrl` from /runtime-config, absolute, without a trailing slash. */
export function resolveApiBase(apiBaseUrl: string, origin: string): string {
  return new URL(apiBaseUrl, origin).href.replace(/\/+$/, "");
}
