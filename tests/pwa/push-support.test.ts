import { describe, expect, it } from "vitest";
import { detectPushSupport, isAppleMobile, pushState, readPushEnvironment, type PushEnvironment } from "@/lib/push/push-support";

const CHROME_LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const SAFARI_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
const SAFARI_IPAD_DESKTOP = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15";

function env(over: Partial<PushEnvironment> = {}): PushEnvironment {
  return {
    hasServiceWorker: true,
    hasPushManager: true,
    hasNotification: true,
    permission: "default",
    userAgent: CHROME_LINUX,
    maxTouchPoints: 0,
    standalone: false,
    ...over,
  };
}

describe("detectPushSupport", () => {
  it("is unsupported without a service worker, PushManager or Notification", () => {
    expect(detectPushSupport(env({ hasServiceWorker: false }))).toBe("unsupported");
    expect(detectPushSupport(env({ hasPushManager: false }))).toBe("unsupported");
    expect(detectPushSupport(env({ hasNotification: false, permission: undefined }))).toBe("unsupported");
  });

  it("asks an iPhone in a Safari tab to add the app to the Home Screen first, even without PushManager", () => {
    expect(detectPushSupport(env({ userAgent: SAFARI_IPHONE, hasPushManager: false, hasNotification: false }))).toBe("ios-install-first");
  });

  it("recognises iPadOS Safari that reports a Mac user agent by its touch points", () => {
    expect(isAppleMobile(SAFARI_IPAD_DESKTOP, 5)).toBe(true);
    expect(isAppleMobile(SAFARI_IPAD_DESKTOP, 0)).toBe(false);
    expect(detectPushSupport(env({ userAgent: SAFARI_IPAD_DESKTOP, maxTouchPoints: 5 }))).toBe("ios-install-first");
  });

  it("treats an iPhone Home Screen app like any browser: prompt when push exists, unsupported on old iOS", () => {
    expect(detectPushSupport(env({ userAgent: SAFARI_IPHONE, standalone: true }))).toBe("prompt");
    expect(detectPushSupport(env({ userAgent: SAFARI_IPHONE, standalone: true, hasPushManager: false }))).toBe("unsupported");
  });

  it("follows Notification.permission: denied, prompt (default), granted", () => {
    expect(detectPushSupport(env({ permission: "denied" }))).toBe("denied");
    expect(detectPushSupport(env({ permission: "default" }))).toBe("prompt");
    expect(detectPushSupport(env({ permission: "granted" }))).toBe("granted");
  });
});

describe("pushState", () => {
  it("is on only when granted, subscribed and registered", () => {
    const granted = env({ permission: "granted" });
    expect(pushState(granted, { subscribed: true, registered: true })).toBe("on");
    expect(pushState(granted, { subscribed: true, registered: false })).toBe("off");
    expect(pushState(granted, { subscribed: false, registered: true })).toBe("off");
  });

  it("reports what blocks push before looking at the subscription", () => {
    expect(pushState(env({ permission: "denied" }), { subscribed: true, registered: true })).toBe("denied");
    expect(pushState(env({ hasPushManager: false }), { subscribed: false, registered: true })).toBe("unsupported");
    expect(pushState(env(), { subscribed: false, registered: true })).toBe("prompt");
  });
});

describe("readPushEnvironment", () => {
  it("reads the globals it is given", () => {
    const e = readPushEnvironment({
      navigator: { serviceWorker: {}, userAgent: SAFARI_IPHONE, maxTouchPoints: 5, standalone: true },
      PushManager: function PushManager() {},
      Notification: { permission: "granted" },
    });
    expect(e).toEqual({
      hasServiceWorker: true,
      hasPushManager: true,
      hasNotification: true,
      permission: "granted",
      userAgent: SAFARI_IPHONE,
      maxTouchPoints: 5,
      standalone: true,
    });
  });

  it("sees display-mode standalone and missing features", () => {
    const e = readPushEnvironment({ navigator: { userAgent: CHROME_LINUX }, matchMedia: () => ({ matches: true }) });
    expect(e.standalone).toBe(true);
    expect(e.hasServiceWorker).toBe(false);
    expect(e.hasPushManager).toBe(false);
    expect(e.hasNotification).toBe(false);
    expect(e.permission).toBeUndefined();
  });
});
