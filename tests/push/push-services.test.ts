import { describe, expect, it } from "vitest";
import { createPushServiceRules } from "../../server/push/push-services";

const rules = createPushServiceRules(["https://127.0.0.1:4450", "https://localhost:4451=display-only"]);

describe("the push-service rule table", () => {
  it.each([
    ["https://fcm.googleapis.com/fcm/send/abc:APA91b", "FCM", true],
    ["https://wns2-par02p.notify.windows.com/w/?token=BQYAAA", "WNS", true],
    ["https://updates.push.services.mozilla.com/wpush/v2/gAAAAA", "Mozilla", false],
    ["https://web.push.apple.com/QGuQyavXutnMH", "Apple", false],
    ["https://api.push.apple.com/3/device/abc", "Apple", false],
    ["https://127.0.0.1:4450/push/abc", "configured", true],
    ["https://localhost:4451/push/abc", "configured", false],
  ])("allows %s (%s, state pushes %s)", (url, service, statePushes) => {
    expect(rules.check(url)).toEqual({ allowed: true, origin: new URL(url).origin, statePushes, service });
  });

  it.each([
    ["http://fcm.googleapis.com/fcm/send/abc", "not https"],
    ["https://fcm.googleapis.com.evil.test/fcm/send/abc", "a suffix of an allowed host is not that host"],
    ["https://evilfcm.googleapis.com/x", "a look-alike subdomain of an exact host"],
    ["https://notify.windows.com/w", "a wildcard's bare suffix"],
    ["https://evilnotify.windows.com/w", "not a subdomain of the wildcard suffix"],
    ["https://push.services.mozilla.com.evil.test/x", "wildcard suffix followed by more"],
    ["https://fcm.googleapis.com:8443/fcm/send/abc", "a vendor host on another port"],
    ["https://user:pw@fcm.googleapis.com/fcm/send/abc", "credentials in the URL"],
    ["https://127.0.0.1:4452/push/abc", "a loopback port not configured"],
    ["https://127.0.0.1/push/abc", "the configured host without its port"],
    ["https://169.254.169.254/latest/meta-data", "a metadata address"],
    ["https://example.com/push", "an arbitrary host"],
    ["not a url", "unparsable"],
    ["javascript:alert(1)", "another scheme"],
    // Hosts that WHATWG URL reads as an allowed one and Node's legacy url.parse
    // (what web-push's sendNotification uses) as another: one stored URL, two targets.
    ["https://evil.test;.notify.windows.com/w/?token=x", "a host that url.parse ends at ';'"],
    ["https://evil.test%3b.notify.windows.com/w/?token=x", "a percent-encoded ';' in the host"],
    ["https://evil.test{.push.services.mozilla.com/x", "a host that url.parse ends at '{'"],
    ["https://web.push.apple%2ecom/x", "a percent-encoded dot in an exact host"],
    ["https://127.0.0.1:4450\\@evil.test/push/abc", "a backslash after the authority"],
    ["https://fcm.googleapis.com:443/fcm/send/abc", "the default port written out (not the plain form)"],
    ["https://fcm.google\tapis.com/fcm/send/abc", "a tab that WHATWG strips"],
    ["https://fcm.googleapis.com", "no path at all"],
  ])("refuses %s (%s)", (url) => {
    const check = rules.check(url);
    expect(check.allowed).toBe(false);
    expect(check.statePushes).toBe(false);
  });

  it("matches host names case-insensitively, as URLs do", () => {
    expect(rules.check("https://FCM.GoogleAPIs.com/fcm/send/x").allowed).toBe(true);
  });

  it("allows nothing beyond the vendors when no extra services are configured", () => {
    const plain = createPushServiceRules([]);
    expect(plain.check("https://127.0.0.1:4450/push/abc").allowed).toBe(false);
    expect(plain.check("https://fcm.googleapis.com/fcm/send/abc").allowed).toBe(true);
  });

  it("refuses a configuration entry that is not an https origin, naming it", () => {
    expect(() => createPushServiceRules(["http://127.0.0.1:4450"])).toThrow(/http:\/\/127\.0\.0\.1:4450/);
    expect(() => createPushServiceRules(["https://127.0.0.1:4450/path"])).toThrow(/without a path/);
    expect(() => createPushServiceRules(["127.0.0.1:4450"])).toThrow(/127\.0\.0\.1:4450/);
  });

  it("accepts a configured origin written with a trailing slash", () => {
    expect(createPushServiceRules(["https://127.0.0.1:4450/"]).check("https://127.0.0.1:4450/p").allowed).toBe(true);
  });
});
