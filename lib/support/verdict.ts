// The one line on top of a delivery timeline: where the notification got to and where not, and why,
// in the words support reads out to the user ("Shown on Pixel at 10:02; dismissed there at 10:05.
// Not sent to Firefox on Windows: the subscription had expired on 3 Nov.").
import { formatTimeNear, type TimeFormat } from "@/lib/format/clock-time";
import type { Lane, PointKind, Timeline, TimelinePoint } from "./timeline";

export interface VerdictOptions {
  format?: TimeFormat;
  /** Devices told one by one; the rest are counted ("and 2 more devices, below"). */
  maxDevices?: number;
}

const ACTION_WORDS: Partial<Record<PointKind, string>> = {
  dismissed: "dismissed",
  opened: "opened",
  read: "marked read",
  unread: "marked unread",
  snoozed: "snoozed",
  unsnoozed: "set back to new",
  deleted: "deleted",
};

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return capitalize(/[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`);
}

/** The reason part of a step's sentence: "Not sent: the subscription had expired." → "the subscription had expired". */
function why(point: TimelinePoint): string {
  const colon = point.detail.indexOf(": ");
  const text = colon >= 0 ? point.detail.slice(colon + 2) : point.detail;
  return text.replace(/\.$/, "");
}

function deviceName(lane: Lane): string {
  return lane.removed && lane.status !== "removed" ? `${lane.name} (since removed)` : lane.name;
}

/** How the notification's own push fared on one device, or null when there is nothing to say. */
function outcomePhrase(lane: Lane, at: (p: TimelinePoint) => string): string | null {
  const point = lane.statusPoint;
  const name = deviceName(lane);
  const retried = lane.attempts ? ` after ${lane.attempts} attempts` : "";
  if (!point) return null;
  switch (lane.status) {
    case "shown":
      return `shown on ${name} at ${at(point)}${retried}`;
    case "shownInPage":
      return `shown inside the open app on ${name} at ${at(point)}${retried}`;
    case "suppressed":
      return `reached ${name} at ${at(point)} but was not shown there: it was already read or dismissed`;
    case "showError":
      return `reached ${name} at ${at(point)}, but the browser failed to show it`;
    case "received":
      return `reached ${name} at ${at(point)}${retried}; the device did not confirm showing it`;
    case "sent":
      return `sent to ${name} at ${at(point)}${retried}; the device never confirmed receiving it`;
    case "queued":
      return `waiting to be sent to ${name} (queued at ${at(point)})`;
    case "retrying":
      return `still trying ${name}: ${why(point)}`;
    case "failed":
      return `could not be sent to ${name}: ${why(point)}${lane.attempts ? ` (gave up after ${lane.attempts} attempts)` : ""}`;
    case "removed":
      return `not delivered to ${name}: ${why(point)}, so the device was removed`;
    case "skipped":
      return `not sent to ${name}: ${why(point)}`;
    default:
      return null;
  }
}

/** What the user did on that device: "dismissed there at 10:05", then more. */
function actionsPhrase(lane: Lane, at: (p: TimelinePoint) => string, there: boolean): string | null {
  const actions = lane.points.filter((p) => p.tone === "action" && ACTION_WORDS[p.kind]);
  if (actions.length === 0) return null;
  const shown = actions.slice(0, 2).map((p, i) => `${ACTION_WORDS[p.kind]}${i === 0 && there ? " there" : ""} at ${at(p)}`);
  const more = actions.length > 2 ? `, and ${actions.length - 2} more change${actions.length - 2 === 1 ? "" : "s"}` : "";
  return shown.join(", then ") + more;
}

interface Told {
  main: string;
  /** A later push of it that did not go there ("not pushed again at 10:32: …"). */
  later: string | null;
  laterPoint: TimelinePoint | null;
}

function tell(lane: Lane, at: (p: TimelinePoint) => string): Told | null {
  const miss = lane.laterMiss;
  const later = miss ? `not pushed again at ${at(miss)}: ${why(miss)}` : null;
  const outcome = outcomePhrase(lane, at);
  if (outcome) {
    const actions = actionsPhrase(lane, at, true);
    return { main: actions ? `${outcome}; ${actions}` : outcome, later, laterPoint: miss };
  }
  // No push recorded for this device, but the user did something there.
  const actions = actionsPhrase(lane, at, false);
  return actions ? { main: `${actions} on ${deviceName(lane)}`, later: null, laterPoint: null } : null;
}

/** The same later miss on every device is told once, after them (with the snooze that caused it). */
function sharedLater(told: Told[], own: Lane | undefined, at: (p: TimelinePoint) => string): string | null {
  const withLater = told.filter((t) => t.later !== null);
  if (withLater.length < 2 || withLater.some((t) => t.later !== withLater[0]!.later)) return null;
  const miss = withLater[0]!.laterPoint!;
  const woke = own?.points.find((p) => p.kind === "woke" && Math.abs(p.at - miss.at) <= 60_000);
  return woke
    ? sentence(`when the snooze ended at ${at(woke)}, it was not pushed again: ${why(miss)}`)
    : sentence(`at ${at(miss)} it was not pushed again to any device: ${why(miss)}`);
}

/** The notification's own lane: changes with no device recorded, expiry. */
function notificationSentences(lane: Lane, at: (p: TimelinePoint) => string): string[] {
  const said: string[] = [];
  for (const point of lane.points) {
    if (point.kind === "expired") said.push(`It expired at ${at(point)}.`);
    else if (point.tone === "action") said.push(sentence(`${point.detail.replace(/\.$/, "")} at ${at(point)}`));
  }
  return said;
}

export function deliveryVerdict(timeline: Timeline, options: VerdictOptions = {}): string {
  const { format, maxDevices = 4 } = options;
  const reference = timeline.reference;
  if (!reference) return "Nothing is recorded for this notification.";
  const at = (p: TimelinePoint) => formatTimeNear(p.iso, reference, format);

  const devices = timeline.lanes.filter((l) => l.kind === "endpoint");
  const own = timeline.lanes.find((l) => l.kind === "notification");
  const told = devices.map((lane) => tell(lane, at)).filter((t): t is Told => t !== null);
  const shared = sharedLater(told, own, at);
  const sentences: string[] = [];
  if (devices.every((l) => l.statusPoint === null)) {
    sentences.push("Not pushed to any device: there was no device registered for notifications, so it was only in the inbox.");
  }
  const lines = told.map((t) => sentence(t.later && !shared ? `${t.main}; ${t.later}` : t.main));
  sentences.push(...lines.slice(0, maxDevices));
  if (lines.length > maxDevices) {
    const rest = lines.length - maxDevices;
    sentences.push(`And ${rest} more device${rest === 1 ? "" : "s"}, below.`);
  }
  if (shared) sentences.push(shared);
  if (own) sentences.push(...notificationSentences(own, at));
  return sentences.join(" ");
}
