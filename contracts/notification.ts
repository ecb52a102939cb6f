// The notification resource, one typed shape from the service's JSON to the
// PWA and the service worker (contract: ../shared/spec/graph-notifications-api.md,
// "The notification resource"). The service builds it
// (server/notifications/resource.ts), the PWA reads it (lib/api/client.ts),
// the push payload carries a view of it (contracts/push-payload.ts).

export const PRIORITIES = ["None", "High", "Low"] as const;
export const READ_STATES = ["unread", "read"] as const;
export const USER_ACTION_STATES = ["noInteraction", "activated", "dismissed", "snoozed"] as const;
export const NOTIFICATION_STATUSES = ["active", "deleted"] as const;
/** `targetPolicy.platformTypes`: where a notification may be delivered (all of them by default). */
export const PLATFORM_TYPES = ["windows", "ios", "android", "webPush"] as const;

export type Priority = (typeof PRIORITIES)[number];
export type ReadState = (typeof READ_STATES)[number];
export type UserActionState = (typeof USER_ACTION_STATES)[number];
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];
export type PlatformType = (typeof PLATFORM_TYPES)[number];

export interface VisualContent {
  title: string;
  body?: string;
}

export interface NotificationPayload {
  rawContent?: string;
  visualContent?: VisualContent;
}

export interface Notification {
  "@odata.etag": string;
  id: string;
  targetHostName: string;
  appNotificationId: string | null;
  groupName: string | null;
  priority: Priority;
  /** Seconds the OS notification may still stay displayed; null: until it expires. */
  displayTimeToLive: number | null;
  expirationDateTime: string;
  payload: NotificationPayload;
  targetPolicy: { platformTypes: PlatformType[] };
  fallbackPolicy: { fallbackDelayInSeconds?: number } | null;
  readState: ReadState;
  userActionState: UserActionState;
  snoozedUntilDateTime: string | null;
  status: NotificationStatus;
  createdDateTime: string;
  lastModifiedDateTime: string;
}

/** The 201 answer to a POST, shaped exactly as Microsoft's captured response (payload echoes visualContent only). */
export type CreatedNotification = Pick<Notification, "id" | "displayTimeToLive" | "expirationDateTime" | "groupName" | "priority"> & {
  "@odata.context": string;
  payload: { visualContent?: VisualContent };
};

export interface NotificationPage {
  value: Notification[];
  "@odata.nextLink"?: string;
  "@odata.count"?: number;
}

/** What PATCH accepts; everything else is read-only. */
export interface NotificationPatch {
  readState?: ReadState;
  userActionState?: UserActionState;
  snoozedUntilDateTime?: string | null;
}

/**
 * The conflict rule's headers (contract, "Changing state"): a change carries the time the user made
 * it; the answer names the fields it did not overwrite because another endpoint changed them later.
 */
export const ACTION_TIME_HEADER = "X-Action-Time";
export const SUPERSEDED_FIELDS_HEADER = "X-Superseded-Fields";

/** The body of markAllAsRead and dismissAll. */
export interface BulkActionBody {
  groupName?: string | null;
  before?: string;
}
