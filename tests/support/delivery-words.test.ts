// A push service's answers and the service's skip reasons, in the words support reads out.
import { describe, expect, it } from "vitest";
import { SKIP_REASONS } from "@/contracts/support";
import { ENDPOINT_REMOVAL_REASONS } from "@/contracts/support";
import { pushStatusText, removalText, shownHowText, skipReasonText } from "@/lib/support/delivery-words";

describe("pushStatusText", () => {
  it.each([
    [201, "the push service accepted it (201)"],
    [400, "the push service said the request was malformed (400)"],
    [403, "the push service refused the service's credentials (403)"],
    [404, "the push service said the subscription does not exist (404)"],
    [410, "the push service said the subscription is gone (410)"],
    [413, "the push service said the push was too large (413)"],
    [429, "the push service asked the service to slow down (429)"],
    [503, "the push service was unavailable (503)"],
    [500, "the push service had an error (500)"],
    [418, "the push service refused it (418)"],
  ])("%i", (status, words) => {
    expect(pushStatusText(status)).toBe(words);
  });

  it("says there was no answer, with the error when one is known", () => {
    expect(pushStatusText(null)).toBe("no answer from the push service");
    expect(pushStatusText(null, "timeout")).toBe("no answer from the push service (timeout)");
  });
});

describe("skipReasonText", () => {
  it.each(SKIP_REASONS.map((r) => [r]))("%s has its own sentence", (reason) => {
    const text = skipReasonText(reason);
    expect(text).not.toContain("gave the reason");
    expect(text).toMatch(/^[a-z]/);
  });

  it("shows an unknown reason as it is rather than hiding it", () => {
    expect(skipReasonText("quotaExceeded")).toBe("the service gave the reason “quotaExceeded”");
    expect(skipReasonText(null)).toBe("the service gave no reason");
  });

  it("adds what the page knows: the expiry day, the registration time, the display window, the push service", () => {
    const context = { reference: "2026-11-03T10:00:00Z", format: { locale: "en-GB", timeZone: "UTC" } };
    expect(skipReasonText("subscriptionExpired", { ...context, subscriptionExpiredAt: "2026-11-02T08:00:00Z" })).toBe("the subscription had expired on 2 Nov");
    expect(skipReasonText("registeredLater", { ...context, registeredAt: "2026-11-03T10:30:00Z" })).toBe(
      "the device was registered after the notification was sent (at 10:30)",
    );
    expect(skipReasonText("displayWindowOver", { displayTimeToLive: 90 })).toBe("its display window (2 min) was over before it could go out");
    expect(skipReasonText("pushServiceNotAllowed", { pushServiceHost: "push.example" })).toBe("its push service (push.example) is not on the service's allowed list");
  });
});

describe("shownHowText", () => {
  it.each([
    ["system", "shown as a notification"],
    ["inPage", "shown inside the open app"],
    ["suppressed", "not shown: it was already read or dismissed"],
    ["error", "the browser failed to show it"],
    [null, "shown"],
  ] as const)("%s", (how, words) => {
    expect(shownHowText(how)).toBe(words);
  });
});

describe("removalText", () => {
  it.each(ENDPOINT_REMOVAL_REASONS.map((r) => [r]))("%s has its own words", (reason) => {
    expect(removalText(reason)).not.toBe(removalText(null));
  });
});
