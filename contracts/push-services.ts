// The browser vendors' push services: which hosts they are, and what their
// browsers put up with. The service needs it to allowlist endpoints and to
// decide who gets state pushes (server/push/push-services.ts,
// server/push/delivery/targets.ts); the service worker needs it to know
// whether a push may go by without an OS notification (sw/sw.ts).

export interface VendorPushService {
  /** Exact host, or `.suffix` matching any subdomain of suffix (never suffix itself). */
  host: string;
  service: "FCM" | "WNS" | "Mozilla" | "Apple";
  /**
   * Whether its browsers accept a push that only closes a notification (a
   * state push). Chromium's do; Firefox charges such pushes to a silent-push
   * quota and drops the subscription when it runs out; Safari revokes a
   * subscription whose push shows nothing.
   */
  statePushes: boolean;
  /** Whether every push must show an OS notification (Apple's: even a focused tab's toast does not count). */
  mustShowEveryPush: boolean;
}

export const VENDOR_PUSH_SERVICES: readonly VendorPushService[] = [
  { host: "fcm.googleapis.com", service: "FCM", statePushes: true, mustShowEveryPush: false },
  { host: ".notify.windows.com", service: "WNS", statePushes: true, mustShowEveryPush: false },
  { host: ".push.services.mozilla.com", service: "Mozilla", statePushes: false, mustShowEveryPush: false },
  { host: "web.push.apple.com", service: "Apple", statePushes: false, mustShowEveryPush: true },
  { host: ".push.apple.com", service: "Apple", statePushes: false, mustShowEveryPush: true },
];

function hostMatches(host: string, pattern: string): boolean {
  if (!pattern.startsWith(".")) return host === pattern;
  return host.length > pattern.length && host.endsWith(pattern);
}

/** The vendor push service a (lower- or upper-case) host name belongs to, if any. */
export function vendorPushService(hostname: string): VendorPushService | undefined {
  const host = hostname.toLowerCase();
  return VENDOR_PUSH_SERVICES.find((s) => hostMatches(host, s.host));
}

/** Whether a push to this subscription must always show an OS notification (Safari, iOS home-screen apps). */
export function mustShowEveryPush(endpoint: string | null | undefined): boolean {
  if (!endpoint) return false;
  let hostname: string;
  try {
    hostname = new URL(endpoint).hostname;
  } catch {
    return false;
  }
  return vendorPushService(hostname)?.mustShowEveryPush ?? false;
}
