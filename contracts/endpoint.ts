// Endpoints (contract: "Endpoints"): one browser installation of a user, as
// the PWA registers it and the service lists it.

export const ENDPOINT_PLATFORMS = ["webPush", "web"] as const;
export type EndpointPlatform = (typeof ENDPOINT_PLATFORMS)[number];

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

/** An endpoint as the service shows it: never its keys or full push URL (they are the subscription's secret). */
export interface Endpoint {
  id: string;
  platform: EndpointPlatform;
  targetHostName: string | null;
  appDisplayName: string | null;
  deviceName: string | null;
  createdDateTime: string;
  /** When the endpoint stops existing unless the app registers it again (renewal, or the subscription's own expiry). */
  expirationDateTime: string | null;
  /** When the browser last registered it (the app does so on every start): the device was last seen then. */
  lastSeenDateTime: string;
  /** The browser's `PushSubscription.expirationTime`, when it gave one. */
  subscriptionExpirationDateTime: string | null;
  lastDeliveryDateTime: string | null;
  /** `delivered`, `retrying` or `failed` (an endpoint its push service calls gone is removed, not marked). */
  lastDeliveryResult: string | null;
  /** The push service's HTTP status for that last delivery (null: no answer). */
  lastDeliveryStatusCode: number | null;
  pushServiceHost: string | null;
}
