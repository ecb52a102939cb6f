// Words for the device list: a readable name for a browser, and a delivery result a person understands.
import type { Endpoint } from "@/contracts/notification";

function browserName(ua: string): string {
  if (/\bEdgA?\/|\bEdgiOS\//.test(ua)) return "Edge";
  if (/\bOPR\/|\bOPiOS\//.test(ua)) return "Opera";
  if (/\bSamsungBrowser\//.test(ua)) return "Samsung Internet";
  if (/\bFirefox\/|\bFxiOS\//.test(ua)) return "Firefox";
  if (/\bCriOS\//.test(ua)) return "Chrome";
  if (/\bChromium\//.test(ua)) return "Chromium";
  if (/\bChrome\//.test(ua)) return "Chrome";
  if (/\bSafari\//.test(ua) && /\bVersion\//.test(ua)) return "Safari";
  return "Browser";
}

function systemName(ua: string, maxTouchPoints: number): string | undefined {
  if (/\bAndroid\b/.test(ua)) return "Android";
  if (/\biPhone\b|\biPod\b/.test(ua)) return "iPhone";
  if (/\biPad\b/.test(ua) || (/\bMacintosh\b/.test(ua) && maxTouchPoints > 1)) return "iPad";
  if (/\bCrOS\b/.test(ua)) return "ChromeOS";
  if (/\bWindows\b/.test(ua)) return "Windows";
  if (/\bMac OS X\b|\bMacintosh\b/.test(ua)) return "macOS";
  if (/\bLinux\b/.test(ua)) return "Linux";
  return undefined;
}

/** "Chrome on Android", "Safari on iPhone"; registered with the endpoint so every device sees it. */
export function deviceNameFromUserAgent(userAgent: string, maxTouchPoints = 0): string {
  const browser = browserName(userAgent);
  const system = systemName(userAgent, maxTouchPoints);
  return system ? `${browser} on ${system}` : browser;
}

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
