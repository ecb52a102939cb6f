// Builders for the shared shapes (contracts/): a valid value with every field,
// overridden where a test cares. Vitest and Playwright specs use the same ones.
import type { Endpoint } from "../contracts/endpoint";
import type { Notification } from "../contracts/notification";
import type { PushKind, PushNotificationView, PushPayload } from "../contracts/push-payload";
import type { NewNotification, Owner } from "../server/notifications/queries";

export function aNotification(id: string, over: Partial<Notification> = {}): Notification {
  return {
    "@odata.etag": 'W/"1"',
    id,
    targetHostName: "contoso.com",
    appNotificationId: null,
    groupName: null,
    priority: "None",
    displayTimeToLive: null,
    expirationDateTime: "2026-12-01T00:00:00Z",
    payload: { visualContent: { title: id } },
    targetPolicy: { platformTypes: ["windows", "ios", "android", "webPush"] },
    fallbackPolicy: null,
    readState: "unread",
    userActionState: "noInteraction",
    snoozedUntilDateTime: null,
    status: "active",
    createdDateTime: "2026-11-27T00:00:00Z",
    lastModifiedDateTime: "2026-11-27T00:00:00Z",
    ...over,
  };
}

export function anEndpoint(over: Partial<Endpoint> = {}): Endpoint {
  return {
    id: "e1",
    platform: "webPush",
    targetHostName: null,
    appDisplayName: null,
    deviceName: null,
    createdDateTime: "2026-11-01T00:00:00Z",
    expirationDateTime: "2027-01-01T00:00:00Z",
    lastSeenDateTime: "2026-11-01T00:00:00Z",
    subscriptionExpirationDateTime: null,
    lastDeliveryDateTime: null,
    lastDeliveryResult: null,
    lastDeliveryStatusCode: null,
    pushServiceHost: null,
    ...over,
  };
}

/** The notification as a push carries it: a build failure, unread and untouched. */
export function aPushView(id: string, over: Partial<PushNotificationView> = {}): PushNotificationView {
  return {
    id,
    title: "Build 1432 failed",
    body: "main: 3 tests failed",
    groupName: "Builds",
    priority: "High",
    readState: "unread",
    userActionState: "noInteraction",
    status: "active",
    createdDateTime: "2026-11-27T01:02:03.000Z",
    expirationDateTime: "2026-12-04T01:02:03.000Z",
    ...over,
  };
}

export function aPushPayload(kind: PushKind, notification: PushNotificationView, over: Partial<PushPayload> = {}): PushPayload {
  return { v: 1, kind, notification, unreadCount: 3, actionToken: "tok", ...over };
}

/** What createNotification (server/notifications/service.ts) takes: a web-push item of `owner`, live for an hour from `now`. */
export function aNewNotification(owner: Owner, title: string, now = new Date(), over: Partial<Omit<NewNotification, "id">> = {}): Omit<NewNotification, "id"> {
  return {
    ...owner,
    targetHostName: "tests.contoso.test",
    appNotificationId: null,
    groupName: null,
    title,
    body: null,
    rawContent: null,
    priority: "High",
    displayUntil: null,
    expiration: new Date(now.getTime() + 3_600_000),
    platformTypes: ["webPush"],
    fallbackPolicy: null,
    now,
    ...over,
  };
}
