import { describe, expect, it } from "vitest";
import { deliveryResultText, endpointName, platformDescription } from "@/lib/push/endpoint-display";
import type { Endpoint } from "@/contracts/endpoint";
import { anEndpoint } from "@/testing/builders";

function endpoint(over: Partial<Endpoint> = {}): Endpoint {
  return anEndpoint(over);
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
