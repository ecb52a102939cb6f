// The notification resource as the contract defines it (../shared/spec/graph-notifications-api.md).

export type ReadState = "unread" | "read";
export type UserActionState = "noInteraction" | "activated" | "dismissed" | "snoozed";
export type NotificationStatus = "active" | "deleted";
export type Priority = "None" | "High" | "Low";

export interface VisualContent {
  title: string;
  body?: string;
}

export interface Notification {
  id: string;
  targetHostName: string;
  appNotificationId?: string | null;
  groupName: string | null;
  payload: { rawContent?: string; visualContent?: VisualContent };
  priority: Priority;
  displayTimeToLive?: number | null;
  expirationDateTime: string;
  readState: ReadState;
  userActionState: UserActionState;
  snoozedUntilDateTime?: string | null;
  status: NotificationStatus;
  createdDateTime: string;
  lastModifiedDateTime: string;
  "@odata.etag"?: string;
}

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

export interface BulkActionBody {
  groupName?: string;
  before?: string;
}

// Endpoints (contract: "Endpoints"): one browser installation of a user.

export type EndpointPlatform = "webPush" | "web";

export interface PushSubscriptionBody {
  endpoint: string;
  expirationTime: number | null;
  keys: { p256dh: string; auth: string };
}

export interface EndpointRegistration {
  platform: EndpointPlatform;
  targetHostName: string;
  appDisplayName: string;
  /** Readable name of this browser ("Chrome on Android"), shown in the device list. */
  deviceName?: string;
  /** Only for `web`: renews this browser's earlier push-less registration instead of adding a row. */
  id?: string;
  /** Only for `webPush`: the browser's `PushSubscription.toJSON()`. */
  pushSubscription?: PushSubscriptionBody;
}

export interface Endpoint {
  id: string;
  platform: EndpointPlatform | string;
  targetHostName?: string | null;
  appDisplayName?: string | null;
  deviceName?: string | null;
  createdDateTime: string;
  expirationDateTime: string;
  lastDeliveryDateTime?: string | null;
  lastDeliveryResult?: string | null;
  pushServiceHost?: string | null;
}
