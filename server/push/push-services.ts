// Which push services the service sends to (the allowlist), and which of them
// accept pushes that show no notification (`statePushes`). Who gets which push
// is decided from these facts in delivery/targets.ts (contract: "What the
// service pushes").
//
// Allowlist. A push endpoint must be `https:` and its host must be one of the
// browser vendors' push services (contracts/push-services.ts: exact host, or a
// documented `*.suffix` wildcard), or an origin listed in PUSH_SERVICES
// (scheme, host and port matched exactly). Anything else is refused at
// registration (400) and never sent to, so the service cannot be made to call
// arbitrary hosts.
//
// statePushes, per origin: the vendors' services as contracts/push-services.ts
// says (FCM and WNS yes; Mozilla and Apple no, and why); a PUSH_SERVICES
// origin yes, unless written `origin=display-only`.
import { vendorPushService } from "../../contracts/push-services";

export interface PushServiceCheck {
  /** Whether the service may send to this endpoint at all. */
  allowed: boolean;
  /** scheme://host[:port] of the endpoint ("" when the URL does not parse). */
  origin: string;
  /** Whether this push service's browsers accept pushes that show no notification. */
  statePushes: boolean;
  /** Readable name of the push service ("FCM", "Mozilla", "Apple", "WNS", "configured", "unknown"). */
  service: string;
}

export interface PushServiceRules {
  check(endpointUrl: string): PushServiceCheck;
}

const DISPLAY_ONLY = "=display-only";
/** Visible ASCII only: no whitespace or control characters for a parser to strip or stop at. */
const PLAIN_URL = /^[\x21-\x7e]+$/;
/** A DNS name of letters, digits and hyphens (IDNs arrive as xn--), or an IP literal. */
const PLAIN_HOST = /^(?:[a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/;

/** Parses one PUSH_SERVICES entry; throws naming the entry when it is not an origin. */
function parseExtra(entry: string): { origin: string; statePushes: boolean } {
  const displayOnly = entry.endsWith(DISPLAY_ONLY);
  const raw = displayOnly ? entry.slice(0, -DISPLAY_ONLY.length) : entry;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`PUSH_SERVICES entry '${entry}' is not an origin (https://host[:port]).`);
  }
  if (url.protocol !== "https:" || url.origin !== raw.replace(/\/$/, "")) {
    throw new Error(`PUSH_SERVICES entry '${entry}' must be an https origin without a path (https://host[:port]).`);
  }
  return { origin: url.origin, statePushes: !displayOnly };
}

export function createPushServiceRules(extra: readonly string[]): PushServiceRules {
  const configured = new Map(extra.map(parseExtra).map((e) => [e.origin, e.statePushes]));
  return {
    check(endpointUrl) {
      let url: URL;
      try {
        url = new URL(endpointUrl);
      } catch {
        return { allowed: false, origin: "", statePushes: false, service: "unknown" };
      }
      const origin = url.protocol === "https:" || url.protocol === "http:" ? url.origin : "";
      const refused = { allowed: false, origin, statePushes: false, service: "unknown" };
      // Credentials in a push URL are never legitimate (and would leak to logs).
      if (url.protocol !== "https:" || url.username !== "" || url.password !== "") return refused;
      // The text must name its host plainly, as every browser's endpoint does.
      // WHATWG URL (here and in the sender) and Node's legacy url.parse (web-push's
      // own sendNotification) read hosts with `;`, `%xx` or control characters
      // differently: `https://evil.test;.notify.windows.com/` is WNS to one and
      // evil.test to the other. The stored URL must mean one host to any parser.
      if (
        !PLAIN_URL.test(endpointUrl) ||
        !PLAIN_HOST.test(url.hostname) ||
        endpointUrl.slice(0, url.origin.length + 1).toLowerCase() !== `${url.origin}/`
      ) {
        return refused;
      }
      const extraRule = configured.get(url.origin);
      if (extraRule !== undefined) return { allowed: true, origin, statePushes: extraRule, service: "configured" };
      // The vendors serve on the default port only: any explicit port is not them.
      if (url.port !== "") return refused;
      const rule = vendorPushService(url.hostname);
      if (!rule) return refused;
      return { allowed: true, origin, statePushes: rule.statePushes, service: rule.service };
    },
  };
}
