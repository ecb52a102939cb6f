// A delivery's machine words (skip reasons, HTTP statuses, how a push was shown) as the sentences a
// support person reads out to a user. Unknown values are shown as they are, never hidden.
import type { EndpointRemovalReason, ShownHow, SkipReason } from "@/contracts/support";
import { dayKey, formatDay, formatDuration, formatTimeNear, type TimeFormat } from "@/lib/format/clock-time";

/** What a skip sentence can say more precisely when the page knows it. */
export interface SkipContext {
  /** The browser's own push subscription expiry (from the device list). */
  subscriptionExpiredAt?: string | null;
  /** When the device was registered (from the device list). */
  registeredAt?: string | null;
  /** The notification's displayTimeToLive, in seconds. */
  displayTimeToLive?: number | null;
  pushServiceHost?: string | null;
  /** The day the story is told from (a date on another day gets its day). */
  reference?: string;
  format?: TimeFormat;
}

/** Why a push was not sent, completing "Not sent to Pixel: …". */
export function skipReasonText(reason: string | null, context: SkipContext = {}): string {
  const reference = context.reference;
  // "at 10:30" on the story's day, "on 4 Nov, 09:00" on another.
  const when = (iso: string) => {
    if (!reference) return `at ${iso}`;
    const text = formatTimeNear(iso, reference, context.format);
    return dayKey(iso, context.format) === dayKey(reference, context.format) ? `at ${text}` : `on ${text}`;
  };
  switch (reason as SkipReason) {
    case "targetPolicy":
      return "the notification was not meant for web push (its target policy leaves browsers out)";
    case "registeredLater":
      return context.registeredAt
        ? `the device was registered after the notification was sent (${when(context.registeredAt)})`
        : "the device was registered after the notification was sent";
    case "displayWindowOver":
      return context.displayTimeToLive
        ? `its display window (${formatDuration(context.displayTimeToLive)}) was over before it could go out`
        : "its display window was over before it could go out";
    case "subscriptionExpired":
      return context.subscriptionExpiredAt
        ? `the subscription had expired on ${formatDay(context.subscriptionExpiredAt, context.format, reference)}`
        : "the browser's push subscription had expired";
    case "settledBeforeSent":
      return "it was already read, dismissed, snoozed or deleted before the push went out";
    case "noPushSubscription":
      return "notifications are off on that device (it has no push subscription)";
    case "pushServiceNotAllowed":
      return context.pushServiceHost
        ? `its push service (${context.pushServiceHost}) is not on the service's allowed list`
        : "its push service is not on the service's allowed list";
    case "noStatePushes":
      return "its push service takes only new notifications, not updates";
    case "notShownThere":
      return "it was never shown there, so there was nothing to update";
    case "actingEndpoint":
      return "the change was made on that device, so it already knew";
    case "expired":
      return "the notification had expired";
    default:
      return reason ? `the service gave the reason “${reason}”` : "the service gave no reason";
  }
}

/** A push service's HTTP answer in words, e.g. "the push service said the subscription is gone (410)". */
export function pushStatusText(statusCode: number | null, reason?: string | null): string {
  if (statusCode === null) {
    return reason ? `no answer from the push service (${reason})` : "no answer from the push service";
  }
  const code = statusCode;
  if (code >= 200 && code < 300) return `the push service accepted it (${code})`;
  switch (code) {
    case 400:
      return "the push service said the request was malformed (400)";
    case 401:
    case 403:
      return `the push service refused the service's credentials (${code})`;
    case 404:
      return "the push service said the subscription does not exist (404)";
    case 410:
      return "the push service said the subscription is gone (410)";
    case 413:
      return "the push service said the push was too large (413)";
    case 429:
      return "the push service asked the service to slow down (429)";
    case 502:
    case 503:
    case 504:
      return `the push service was unavailable (${code})`;
    default:
      if (code >= 500) return `the push service had an error (${code})`;
      return `the push service refused it (${code})`;
  }
}

/** "Shown as a system notification", from a `shown` receipt's `how`. */
export function shownHowText(how: ShownHow | null): string {
  switch (how) {
    case "system":
      return "shown as a notification";
    case "inPage":
      return "shown inside the open app";
    case "suppressed":
      return "not shown: it was already read or dismissed";
    case "error":
      return "the browser failed to show it";
    default:
      return "shown";
  }
}

/** Why a device is gone, completing "Removed: …". */
export function removalText(reason: EndpointRemovalReason | null): string {
  switch (reason) {
    case "removed":
      return "signed out or removed by the user";
    case "takenOver":
      return "the browser was signed in as someone else";
    case "limit":
      return "over the limit of devices per user (the oldest goes)";
    case "gone":
      return "its push service said the subscription is gone";
    case "expired":
      return "not used for too long, or its subscription expired";
    default:
      return "no longer registered";
  }
}
