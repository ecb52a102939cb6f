// The endpoint resource as the wire shows it (contracts/endpoint.ts): the
// owner's own list and support's view of a user's devices share it.
import type { Endpoint } from "../../contracts/endpoint";
import type { EndpointRow } from "./queries";

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/** The endpoint as the wire shows it: never its keys or full push URL (they are the subscription's secret). */
export function toEndpointResource(row: EndpointRow): Endpoint {
  let pushServiceHost: string | null = null;
  if (row.push_endpoint !== null) {
    try {
      pushServiceHost = new URL(row.push_endpoint).host;
    } catch {
      pushServiceHost = null;
    }
  }
  return {
    id: row.id,
    platform: row.platform,
    targetHostName: row.target_host_name,
    appDisplayName: row.app_display_name,
    deviceName: row.device_name,
    createdDateTime: row.created.toISOString(),
    expirationDateTime: iso(row.expiration),
    lastSeenDateTime: row.renewed.toISOString(),
    subscriptionExpirationDateTime: iso(row.push_expiration),
    lastDeliveryDateTime: iso(row.last_delivery_at),
    lastDeliveryResult: row.last_delivery_result,
    lastDeliveryStatusCode: row.last_delivery_status,
    pushServiceHost,
  };
}
