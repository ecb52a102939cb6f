import { describe, expect, it } from "vitest";
import { deliveryResultText, deviceNameFromUserAgent, endpointName, platformDescription } from "@/lib/push/endpoint-display";
import type { Endpoint } from "@/contracts/notification";

describe("deviceNameFromUserAgent", () => {
  it.each([
    ["Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", 5, "Chrome on Android"],
    ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", 5, "Safari on iPhone"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15", 5, "Safari on iPad"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15", 0, "Safari on macOS"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", 0, "Edge on Windows"],
    ["Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", 0, "Firefox on Linux"],
    ["Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", 0, "Chrome on ChromeOS"],
    ["Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36", 5, "Samsung Internet on Android"],
    ["curl/8.5.0", 0, "Browser"],
  ])("%s → %s", (ua, touch, name) => {
    expect(deviceNameFromUserAgent(ua, touch)).toBe(name);
  });
});

function endpoint(over: Partial<Endpoint> = {}): Endpoint {
  return { id: "e1", platform: "webPush", createdDateTime: "2026-11-01T00:00:00Z", expirationDateTime: "2027-01-01T00:00:00Z", ...over };
}

describe("endpoint display", () => {
  it("names a row by its device name, else by its kind", () => {
    expect(endpointName(endpoint({ deviceName: " Chrome on Linux " }))).toBe("Chrome on Linux");
    expect(endpointName(endpoint({ deviceName: null }))).toBe("Browser with notifications");
    expect(endpointName(endpoint({ platform: "web", deviceName: "" }))).toBe("Browser");
  });

  it("describes the platform in words", () => {
    expect(platformDescription("webPush")).toBe("Push notifications");
    expect(platformDescription("web")).toMatch(/app only/);
    expect(platformDescription("android")).toBe("android");
  });

  it("says what the last delivery did", () => {
    expect(deliveryResultText(endpoint())).toBe("Nothing delivered yet");
    expect(deliveryResultText(endpoint({ platform: "web" }))).toMatch(/while the app is open/);
    const at = "2026-11-27T01:00:00Z";
    expect(deliveryResultText(endpoint({ lastDeliveryDateTime: at, lastDeliveryResult: "delivered" }))).toBe("Delivered");
    expect(deliveryResultText(endpoint({ lastDeliveryDateTime: at, lastDeliveryResult: "failed" }))).toBe("Failed");
    expect(deliveryResultText(endpoint({ lastDeliveryDateTime: at, lastDeliveryResult: "retrying" }))).toMatch(/retrying/);
    expect(deliveryResultText(endpoint({ lastDeliveryDateTime: at, lastDeliveryResult: "gone" }))).toMatch(/no longer knows/);
    expect(deliveryResultText(endpoint({ lastDeliveryDateTime: at, lastDeliveryResult: "payload too large" }))).toBe("payload too large");
  });
});
