// Support and audit (contract: "Support and audit"): what support staff read
// about another user of their tenant, the receipts the service worker posts
// about each push, the event log, and the access log. The service builds these
// shapes (server/support/), the PWA reads them (app/support/, lib/support/),
// the service worker posts receipts (sw/).
import type { EndpointPlatform } from "./endpoint";
import type { PushKind } from "./push-payload";
import type { ReadState, UserActionState } from "./notification";

/**
 * Why support looks (a ticket id or a sentence): required on every read of
 * another user's data. HTTP header values are bytes, so the reason travels
 * percent-encoded as UTF-8 (encodeSupportReason); the service decodes it.
 */
export const SUPPORT_REASON_HEADER = "X-Support-Reason";
export const SUPPORT_REASON_MAX_LENGTH = 200;

/** The header value for a reason: any text, percent-encoded as UTF-8. */
export function encodeSupportReason(reason: string): string {
  return encodeURIComponent(reason.trim());
}

/** The reason a header value carries (percent-encoded UTF-8, or plain text that is not). */
export function decodeSupportReason(value: string): string {
  try {
    return decodeURIComponent(value).trim();
  } catch {
    return value.trim();
  }
}

/** A user of the tenant the service has seen (`GET /users`). */
export interface DirectoryUser {
  id: string;
  displayName: string | null;
  userPrincipalName: string | null;
  /** When the user last used the app (null: only ever sent to, never signed in). */
  lastSeenDateTime: string | null;
}

/** `GET /users/{id}`: who they are and how their inbox stands, at a glance. */
export interface UserSummary extends DirectoryUser {
  unreadCount: number;
  /** Endpoints registered and not expired. */
  activeEndpoints: number;
  /** The latest push sent to any of their endpoints (null: none on record). */
  lastDelivery: { dateTime: string; endpointId: string; deviceName: string | null; result: DeliveryStepKind; statusCode: number | null } | null;
}

// ---- deliveries -------------------------------------------------------------

/**
 * One step of one push to one endpoint, as the delivery record tells it:
 * `queued` (owed, not answered yet), `sent` (the push service accepted it),
 * `retrying` (a transient answer; next try planned), `failed` (gave up),
 * `skipped` (not sent; see SKIP_REASONS), `subscriptionRemoved` (the push
 * service answered 404/410; the endpoint was removed), then the device's own
 * receipts: `received` (the service worker got it) and `shown` (see SHOWN_HOW).
 */
export const DELIVERY_STEPS = ["queued", "sent", "retrying", "failed", "skipped", "subscriptionRemoved", "received", "shown"] as const;
export type DeliveryStepKind = (typeof DELIVERY_STEPS)[number];

/**
 * Why a push was not sent to an endpoint:
 * - `targetPolicy`: the notification's targetPolicy excludes webPush;
 * - `registeredLater`: the endpoint registered after the notification was sent;
 * - `displayWindowOver`: its displayTimeToLive had run out before it could go;
 * - `subscriptionExpired`: the browser's push subscription had expired;
 * - `settledBeforeSent`: read, dismissed, snoozed or deleted before the push went out;
 * - `noPushSubscription`: the endpoint has no push permission (platform `web`);
 * - `pushServiceNotAllowed`: its push service is not on the allowlist;
 * - `noStatePushes`: a state push, and this push service takes display pushes only;
 * - `notShownThere`: a state push, and the item was never shown there (nothing to close);
 * - `actingEndpoint`: the change was made on this endpoint (it already knows);
 * - `expired`: the notification expired.
 */
export const SKIP_REASONS = [
  "targetPolicy",
  "registeredLater",
  "displayWindowOver",
  "subscriptionExpired",
  "settledBeforeSent",
  "noPushSubscription",
  "pushServiceNotAllowed",
  "noStatePushes",
  "notShownThere",
  "actingEndpoint",
  "expired",
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/**
 * How the device dealt with a push (`shown` receipts): `system` an OS
 * notification, `inPage` shown inside the open app instead, `suppressed` not
 * shown because already read or dismissed, `error` showing it failed.
 */
export const SHOWN_HOW = ["system", "inPage", "suppressed", "error"] as const;
export type ShownHow = (typeof SHOWN_HOW)[number];

export interface DeliveryStep {
  step: DeliveryStepKind;
  dateTime: string;
  /** Which push: a display push (`created`, `updated`) or a state push (`stateChanged`, `deleted`). */
  pushKind: PushKind | null;
  /** The push service's HTTP status (sent, retrying, failed, subscriptionRemoved). */
  statusCode: number | null;
  /** Attempts made so far (sent, retrying, failed). */
  attempts: number | null;
  /** `skipped`: a SkipReason. `retrying`/`failed`: the error in words when there was no HTTP answer. */
  reason: string | null;
  /** `retrying`: when the next attempt is due. */
  nextAttemptDateTime: string | null;
  /** `shown`: how. */
  how: ShownHow | null;
}

/**
 * Why an endpoint is gone: `removed` by the user (Remove, or signing out),
 * `takenOver` (the browser signed in as someone else), `limit` (the user's
 * oldest beyond the per-user limit), `gone` (its push service answered 404 or
 * 410), `expired` (not renewed, or its subscription's own expiry).
 */
export const ENDPOINT_REMOVAL_REASONS = ["removed", "takenOver", "limit", "gone", "expired"] as const;
export type EndpointRemovalReason = (typeof ENDPOINT_REMOVAL_REASONS)[number];

/** The endpoint a delivery record is about, as it was (it may have been removed since). */
export interface DeliveryEndpoint {
  id: string;
  platform: EndpointPlatform | null;
  deviceName: string | null;
  pushServiceHost: string | null;
  /** The endpoint no longer exists (signed out, removed, or its push service said it is gone). */
  removed: boolean;
  removedDateTime: string | null;
  removedReason: EndpointRemovalReason | null;
}

/** `GET /users/{id}/notifications/{nid}/deliveries`: one record per endpoint the notification was meant for. */
export interface DeliveryRecord {
  endpoint: DeliveryEndpoint;
  /** The latest step (the record's headline). */
  outcome: DeliveryStepKind;
  /** Oldest first. */
  steps: DeliveryStep[];
}

/** `POST /me/notifications/{id}/receipts`, posted by the service worker with the push's action token. */
export interface ReceiptBody {
  outcome: "received" | "shown";
  /** Required with `shown`; not allowed with `received`. */
  how?: ShownHow;
  /** When it happened on the device (defaults to when the service got it). */
  at?: string;
}

// ---- the event log ----------------------------------------------------------

/** What the event log tells: the notification's changes, and each push the service sent. */
export const EVENT_LOG_KINDS = ["created", "updated", "stateChanged", "deleted", "expired", "woke", "delivered"] as const;
export type EventLogKind = (typeof EVENT_LOG_KINDS)[number];

/** Who made a change: the user, an app server (its client id), or the service (expiry, a snooze ending). */
export interface EventActor {
  kind: "user" | "app" | "service";
  /** The user's object id or the app's client id; null for the service. */
  id: string | null;
}

/** `GET /me/notifications/events`, `GET /users/{id}/notifications/events`: newest first. */
export interface NotificationEventEntry {
  id: string;
  notificationId: string;
  dateTime: string;
  kind: EventLogKind;
  actor: EventActor;
  /** The endpoint it happened on (the acting device; for `delivered`, where it went). */
  endpoint: DeliveryEndpoint | null;
  /** `delivered`: which push went out (`created`/`updated` show it, `stateChanged`/`deleted` close it). */
  pushKind: PushKind | null;
  /** `stateChanged`: what changed. */
  change: { readState?: ReadState; userActionState?: UserActionState; snoozedUntilDateTime?: string | null } | null;
  /** The notification as it is now (null once expired and purged). */
  targetHostName: string | null;
  appNotificationId: string | null;
  title: string | null;
}

// ---- the access log ---------------------------------------------------------

/** One support read of a user's data (`GET /auditLogs/notificationAccess`, `GET /me/notifications/accessLog`). */
export interface AccessLogEntry {
  id: string;
  dateTime: string;
  /** The support person who looked. */
  actor: { id: string; displayName: string | null; userPrincipalName: string | null };
  /** Whose data. */
  userId: string;
  /** What was read: method and path, ids included ("GET /users/…/notifications"). */
  route: string;
  reason: string;
  requestId: string;
}

/** Access log entries are kept this long, then pruned by maintenance (the only way one is ever removed). */
export const ACCESS_LOG_RETENTION_DAYS = 400;
