// Words for the device list: an endpoint's name and platform, and a delivery result a person understands.
import type { Endpoint } from "@/contracts/endpoint";

/** The name a row of the device list shows, whatever the service kept. */
export function endpointName(endpoint: Endpoint): string {
  const name = endpoint.deviceName?.trim();
  if (name) return name;
  return endpoint.platform === "webPush" ? "Browser with notifications" : "Browser";
}

export function platformDescription(platform: string): string {
  switch (platform) {
    case "webPush":
      return "Push notifications";
    case "web":
      return "In the app only (notifications are off)";
    default:
      return platform;
  }
}

/**
 * The last delivery in words. The service records `delivered`, `retrying` or `failed` (an endpoint
 * its push service calls gone is removed, not marked); other words are read too, and unknown values
 * are shown as they are rather than hidden.
 */
export function deliveryResultText(endpoint: Pick<Endpoint, "lastDeliveryDateTime" | "lastDeliveryResult" | "platform">): string {
  const result = endpoint.lastDeliveryResult?.trim();
  if (!endpoint.lastDeliveryDateTime && !result) {
    return endpoint.platform === "webPush" ? "Nothing delivered yet" : "Gets notifications while the app is open";
  }
  switch ((result ?? "").toLowerCase()) {
    case "delivered":
    case "success":
    case "201":
      return "Delivered";
    case "retrying":
    case "pending":
      return "Not delivered yet, retrying";
    case "failed":
    case "error":
      return "Failed";
    case "gone":
    case "expired":
    case "removed":
      return "The browser's push service no longer knows this device";
    case "":
      return "Delivered";
    default:
      return result ?? "";
  }
}
