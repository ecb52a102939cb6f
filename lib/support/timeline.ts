// A notification's delivery as lanes on one time axis: one lane per endpoint (its delivery record's
// steps and the changes made on it), and one for the notification itself (the app's post, expiry,
// changes no device is recorded for). Pure: the page renders it, the verdict reads it.
import type { Endpoint } from "@/contracts/endpoint";
import type { Notification } from "@/contracts/notification";
import type { DeliveryEndpoint, DeliveryRecord, DeliveryStep, NotificationEventEntry, SkipReason } from "@/contracts/support";
import { formatDuration, formatTimeNear, type TimeFormat } from "@/lib/format/clock-time";
import { pushStatusText, removalText, shownHowText, skipReasonText, type SkipContext } from "./delivery-words";

export type PointKind =
  // the notification itself
  | "created"
  | "updated"
  | "expired"
  | "woke"
  | "deleted"
  // a push to one endpoint
  | "queued"
  | "sent"
  | "retrying"
  | "failed"
  | "skipped"
  | "removed"
  | "received"
  | "shown"
  | "shownInPage"
  | "suppressed"
  | "showError"
  // what the user did (on a device, or where no device is recorded)
  | "read"
  | "unread"
  | "opened"
  | "dismissed"
  | "snoozed"
  | "unsnoozed";

/** ok: it got there; pending: still going; bad: it did not, and something is wrong; muted: not sent, by design; action: the user did something. */
export type Tone = "ok" | "pending" | "bad" | "muted" | "action";

export interface TimelinePoint {
  key: string;
  kind: PointKind;
  at: number;
  iso: string;
  /** A word or two for the graphic: "Sent", "Shown", "Dismissed". */
  label: string;
  /** The sentence for the list: "The push service accepted it (201)." */
  detail: string;
  tone: Tone;
  /** Part of a state push (an update telling the device of a change), not the notification's own push. */
  update: boolean;
  /** Where on the shared axis, 0 (first moment) to 1 (last). */
  position: number;
}

/** How the notification's own push fared on one endpoint. */
export type LaneStatus =
  | "shown"
  | "shownInPage"
  | "suppressed"
  | "showError"
  | "received"
  | "sent"
  | "queued"
  | "retrying"
  | "failed"
  | "removed"
  | "skipped"
  | "none";

export interface Lane {
  key: string;
  kind: "endpoint" | "notification";
  endpointId: string | null;
  /** "Chrome on Android"; a second device of the same name gets " (2)". */
  name: string;
  /** "Web Push", "In the app only" or "". */
  platform: string;
  pushServiceHost: string | null;
  removed: boolean;
  /** Why and when the device went, in words ("signed out or removed by the user, 3 Nov, 10:20"). */
  removedNote: string | null;
  status: LaneStatus;
  tone: Tone;
  /** The point the status is about (when it was shown, sent, refused…). */
  statusPoint: TimelinePoint | null;
  /** The status in words, e.g. "Shown as a notification at 10:02". */
  summary: string;
  /** Attempts the notification's own push took (when more than one). */
  attempts: number | null;
  /** After it got there, a later push of it (an update, a snooze ending) that did not go: the last such. */
  laterMiss: TimelinePoint | null;
  /** Oldest first. */
  points: TimelinePoint[];
}

export interface AxisMark {
  position: number;
  label: string;
  kind: "start" | "end" | "gap";
}

export interface Timeline {
  /** The first moment on the axis (ms), null when there is nothing to show. */
  start: number | null;
  end: number | null;
  /** The story's day: times on another day carry their date. */
  reference: string | null;
  /** The notification's own lane first (when it has points), then one per endpoint. */
  lanes: Lane[];
  axis: AxisMark[];
}

export interface TimelineInput {
  notification?: Notification | null;
  deliveries: DeliveryRecord[];
  /** Newest first, as the service sends them (any order is accepted). */
  events: NotificationEventEntry[];
  /** The user's devices now: for a removed subscription's expiry date or a registration time. */
  endpoints?: Endpoint[];
  format?: TimeFormat;
}

const DISPLAY_KINDS = new Set(["created", "updated"]);
/** Skips that mean something is wrong with the device (as opposed to the service deciding not to send). */
const BAD_SKIPS = new Set<string>(["subscriptionExpired", "pushServiceNotAllowed"] satisfies SkipReason[]);

/** The notification's own push (a display push) rather than an update about a change. */
export function isDisplayStep(step: Pick<DeliveryStep, "pushKind">): boolean {
  return step.pushKind === null || DISPLAY_KINDS.has(step.pushKind);
}

export function platformLabel(platform: string | null): string {
  switch (platform) {
    case "webPush":
      return "Web Push";
    case "web":
      return "In the app only";
    case null:
      return "";
    default:
      return platform;
  }
}

function baseName(endpoint: Pick<DeliveryEndpoint, "deviceName" | "platform">): string {
  const name = endpoint.deviceName?.trim();
  if (name) return name;
  return endpoint.platform === "webPush" ? "Browser with notifications" : "Browser";
}

function time(iso: string): number {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? 0 : at;
}

function skipTone(reason: string | null): Tone {
  return reason !== null && BAD_SKIPS.has(reason) ? "bad" : "muted";
}

type Draft = Omit<TimelinePoint, "position" | "key">;

/** One delivery step as a point on its endpoint's lane. */
function stepPoint(step: DeliveryStep, skip: SkipContext): Draft {
  const update = !isDisplayStep(step);
  const at = time(step.dateTime);
  const base = { at, iso: step.dateTime, update };
  const when = (iso: string | null) => (iso ? formatTimeNear(iso, skip.reference ?? iso, skip.format, true) : "");
  const pushName = update ? "The update" : "It";
  switch (step.step) {
    case "queued":
      return { ...base, kind: "queued", label: update ? "Update queued" : "Queued", detail: `${pushName} was queued to be sent.`, tone: "pending" };
    case "sent": {
      const tries = step.attempts !== null && step.attempts > 1 ? ` on attempt ${step.attempts}` : "";
      return {
        ...base,
        kind: "sent",
        label: update ? "Update sent" : "Sent",
        detail: `${update ? "An update about a change was sent" : "Sent"}${tries}: ${pushStatusText(step.statusCode ?? 201)}.`,
        tone: "ok",
      };
    }
    case "retrying": {
      const next = step.nextAttemptDateTime ? `; next try at ${when(step.nextAttemptDateTime)}` : "";
      const attempt = step.attempts !== null ? `Attempt ${step.attempts} failed` : "An attempt failed";
      return { ...base, kind: "retrying", label: "Retry", detail: `${attempt}: ${pushStatusText(step.statusCode, step.reason)}${next}.`, tone: "pending" };
    }
    case "failed": {
      const attempts = step.attempts !== null ? ` after ${step.attempts} attempt${step.attempts === 1 ? "" : "s"}` : "";
      return { ...base, kind: "failed", label: update ? "Update failed" : "Failed", detail: `Gave up${attempts}: ${pushStatusText(step.statusCode, step.reason)}.`, tone: "bad" };
    }
    case "skipped":
      return {
        ...base,
        kind: "skipped",
        label: update ? "Update not sent" : "Not sent",
        detail: `${update ? "An update was not sent" : "Not sent"}: ${skipReasonText(step.reason, skip)}.`,
        tone: update ? "muted" : skipTone(step.reason),
      };
    case "subscriptionRemoved":
      return {
        ...base,
        kind: "removed",
        label: "Removed",
        detail: `The device was removed: ${pushStatusText(step.statusCode ?? 410)}.`,
        tone: "bad",
      };
    case "received":
      return { ...base, kind: "received", label: update ? "Update received" : "Received", detail: update ? "The device received the update." : "The device's browser received it.", tone: "ok" };
    case "shown": {
      const how = step.how;
      if (update) return { ...base, kind: "received", label: "Update handled", detail: `The device handled the update (${shownHowText(how)}).`, tone: "ok" };
      if (how === "inPage") return { ...base, kind: "shownInPage", label: "Shown in app", detail: "Shown inside the open app instead of as a notification.", tone: "ok" };
      if (how === "suppressed") return { ...base, kind: "suppressed", label: "Not shown", detail: "Not shown: it was already read or dismissed.", tone: "muted" };
      if (how === "error") return { ...base, kind: "showError", label: "Show failed", detail: "The browser failed to show it.", tone: "bad" };
      return { ...base, kind: "shown", label: "Shown", detail: "Shown as a notification.", tone: "ok" };
    }
    default:
      return { ...base, kind: "queued", label: String(step.step), detail: `The service recorded “${String(step.step)}”.`, tone: "muted" };
  }
}

function actorWords(event: NotificationEventEntry): string {
  switch (event.actor.kind) {
    case "app":
      return event.actor.id ? `by the app (${event.actor.id})` : "by the app";
    case "service":
      return "by the service";
    default:
      return event.endpoint ? "on this device" : "by the user (no device recorded)";
  }
}

/** An event-log entry as a point; null for entries the delivery records already tell (`delivered`). */
function eventPoint(event: NotificationEventEntry, format: TimeFormat | undefined, reference: string): Draft | null {
  const base = { at: time(event.dateTime), iso: event.dateTime, update: false };
  const who = actorWords(event);
  switch (event.kind) {
    case "created":
      return { ...base, kind: "created", label: "Created", detail: `Created ${who}.`, tone: "muted" };
    case "updated":
      return { ...base, kind: "updated", label: "Updated", detail: `Updated ${who}.`, tone: "muted" };
    case "expired":
      return { ...base, kind: "expired", label: "Expired", detail: "It expired and left the inbox.", tone: "muted" };
    case "woke":
      return { ...base, kind: "woke", label: "Snooze over", detail: "The snooze ended; it is back in the inbox.", tone: "muted" };
    case "deleted":
      return { ...base, kind: "deleted", label: "Deleted", detail: `Deleted ${who}.`, tone: "action" };
    case "stateChanged": {
      const change = event.change ?? {};
      const action = change.userActionState;
      if (action === "dismissed") return { ...base, kind: "dismissed", label: "Dismissed", detail: `Dismissed ${who}.`, tone: "action" };
      if (action === "activated") return { ...base, kind: "opened", label: "Opened", detail: `Opened ${who}${change.readState === "read" ? " (and so read)" : ""}.`, tone: "action" };
      if (action === "snoozed") {
        const until = change.snoozedUntilDateTime ? ` until ${formatTimeNear(change.snoozedUntilDateTime, reference, format)}` : "";
        return { ...base, kind: "snoozed", label: "Snoozed", detail: `Snoozed${until} ${who}.`, tone: "action" };
      }
      if (action === "noInteraction") return { ...base, kind: "unsnoozed", label: "Back to new", detail: `Set back to new ${who}.`, tone: "action" };
      if (change.readState === "read") return { ...base, kind: "read", label: "Read", detail: `Marked as read ${who}.`, tone: "action" };
      if (change.readState === "unread") return { ...base, kind: "unread", label: "Unread", detail: `Marked as unread ${who}.`, tone: "action" };
      return { ...base, kind: "read", label: "Changed", detail: `Changed ${who}.`, tone: "action" };
    }
    default:
      return null;
  }
}

const STATUS_TONE: Record<LaneStatus, Tone> = {
  shown: "ok",
  shownInPage: "ok",
  received: "ok",
  sent: "ok",
  suppressed: "muted",
  queued: "pending",
  retrying: "pending",
  showError: "bad",
  failed: "bad",
  removed: "bad",
  skipped: "muted",
  none: "muted",
};

const SENDING: Record<string, LaneStatus> = {
  queued: "queued",
  retrying: "retrying",
  failed: "failed",
  removed: "removed",
  skipped: "skipped",
};

const SENDING_OR_RECEIPT = new Set<PointKind>(["queued", "sent", "retrying", "failed", "skipped", "removed", "received", "shown", "shownInPage", "suppressed", "showError"]);

/** The lane's headline: how the notification's own push fared there, and the point that says so. */
function laneStatus(points: TimelinePoint[]): { status: LaneStatus; point: TimelinePoint | null; tone: Tone } {
  const own = points.filter((p) => !p.update && SENDING_OR_RECEIPT.has(p.kind));
  const first = (kinds: PointKind[]) => own.find((p) => kinds.includes(p.kind));
  const last = (kinds: PointKind[]) => [...own].reverse().find((p) => kinds.includes(p.kind));
  const found =
    (first(["shown"]) && { status: "shown" as const, point: first(["shown"])! }) ||
    (first(["shownInPage"]) && { status: "shownInPage" as const, point: first(["shownInPage"])! }) ||
    (last(["suppressed", "showError"]) && { status: last(["suppressed", "showError"])!.kind as LaneStatus, point: last(["suppressed", "showError"])! }) ||
    (first(["received"]) && { status: "received" as const, point: first(["received"])! }) ||
    (last(["sent"]) && { status: "sent" as const, point: last(["sent"])! });
  if (found) return { ...found, tone: STATUS_TONE[found.status] };
  const latest = last(["queued", "retrying", "failed", "removed", "skipped"]);
  if (latest) {
    const status = SENDING[latest.kind]!;
    return { status, point: latest, tone: status === "skipped" ? latest.tone : STATUS_TONE[status] };
  }
  return { status: "none", point: null, tone: "muted" };
}

function summaryFor(status: LaneStatus, point: TimelinePoint | null, reference: string, format: TimeFormat | undefined): string {
  if (!point) return "No push was recorded for this device.";
  const at = formatTimeNear(point.iso, reference, format);
  switch (status) {
    case "shown":
      return `Shown as a notification at ${at}`;
    case "shownInPage":
      return `Shown inside the open app at ${at}`;
    case "suppressed":
      return `Reached it at ${at}, not shown: already read or dismissed`;
    case "showError":
      return `Reached it at ${at}, but the browser failed to show it`;
    case "received":
      return `Received at ${at}; not confirmed shown`;
    case "sent":
      return `Sent at ${at}; no receipt from the device`;
    default:
      // The step's own sentence says why (not sent, failed, removed, retrying).
      return point.detail.replace(/\.$/, "");
  }
}

/** The shared axis: equal-ish steps for close moments, longer ones (log scale) for long gaps, so 390 px stays readable. */
export function axisPositions(times: number[]): Map<number, number> {
  const distinct = [...new Set(times)].sort((a, b) => a - b);
  const positions = new Map<number, number>();
  if (distinct.length === 0) return positions;
  if (distinct.length === 1) {
    positions.set(distinct[0]!, 0);
    return positions;
  }
  const weights = distinct.slice(1).map((t, i) => 1 + Math.log10(1 + (t - distinct[i]!) / 1000));
  const total = weights.reduce((a, b) => a + b, 0);
  let sum = 0;
  positions.set(distinct[0]!, 0);
  weights.forEach((w, i) => {
    sum += w;
    positions.set(distinct[i + 1]!, i === weights.length - 1 ? 1 : sum / total);
  });
  return positions;
}

/** Gaps of an hour or more are marked on the axis ("3 h later"): the scale is not linear there. */
export const AXIS_GAP_MS = 60 * 60 * 1000;

function axisMarks(positions: Map<number, number>, reference: string, format: TimeFormat | undefined): AxisMark[] {
  const times = [...positions.keys()].sort((a, b) => a - b);
  if (times.length === 0) return [];
  const first = times[0]!;
  const last = times[times.length - 1]!;
  const marks: AxisMark[] = [{ position: 0, label: formatTimeNear(new Date(first).toISOString(), reference, format), kind: "start" }];
  for (let i = 1; i < times.length; i++) {
    const gap = times[i]! - times[i - 1]!;
    if (gap >= AXIS_GAP_MS) {
      const position = (positions.get(times[i - 1]!)! + positions.get(times[i]!)!) / 2;
      marks.push({ position, label: `${formatDuration(gap / 1000)} later`, kind: "gap" });
    }
  }
  if (last !== first) marks.push({ position: 1, label: formatTimeNear(new Date(last).toISOString(), reference, format), kind: "end" });
  return marks;
}

const STATUS_RANK: Record<LaneStatus, number> = {
  shown: 0,
  shownInPage: 1,
  received: 2,
  sent: 3,
  suppressed: 4,
  queued: 5,
  retrying: 6,
  showError: 7,
  failed: 8,
  removed: 9,
  skipped: 10,
  none: 11,
};

/**
 * Each lane's device name. Devices of the same name (two "Chrome on Windows") are told apart by what
 * differs: the platform, else when each was added (when the device list still has it), else a number.
 */
function laneNames(endpoints: DeliveryEndpoint[], devices: Map<string, Endpoint>, reference: string, format: TimeFormat | undefined): Map<string, string> {
  const groups = new Map<string, DeliveryEndpoint[]>();
  for (const e of endpoints) {
    const name = baseName(e);
    groups.set(name, [...(groups.get(name) ?? []), e]);
  }
  const names = new Map<string, string>();
  for (const [name, group] of groups) {
    if (group.length === 1) {
      names.set(group[0]!.id, name);
      continue;
    }
    const platformsDiffer = new Set(group.map((e) => e.platform)).size > 1;
    group.forEach((e, i) => {
      const parts: string[] = [];
      if (platformsDiffer) parts.push(platformLabel(e.platform).toLowerCase() || "unknown type");
      const added = devices.get(e.id)?.createdDateTime;
      if (added) parts.push(`added ${formatTimeNear(added, reference, format)}`);
      else if (e.removed) parts.push("removed");
      const suffix = parts.length > 0 ? parts.join(", ") : `#${i + 1}`;
      names.set(e.id, `${name} (${suffix})`);
    });
  }
  // Still the same (two added in the same minute): a number makes each unique.
  const counts = new Map<string, number>();
  for (const e of endpoints) {
    const name = names.get(e.id)!;
    const n = (counts.get(name) ?? 0) + 1;
    counts.set(name, n);
    if (n > 1) names.set(e.id, `${name} #${n}`);
  }
  return names;
}

interface LaneDraft {
  key: string;
  endpoint: DeliveryEndpoint | null;
  drafts: Draft[];
}

export function buildTimeline(input: TimelineInput): Timeline {
  const { notification, deliveries, events, endpoints = [], format } = input;
  const eventsOldestFirst = [...events].sort((a, b) => time(a.dateTime) - time(b.dateTime));
  const firstMoment = [
    notification?.createdDateTime,
    eventsOldestFirst[0]?.dateTime,
    ...deliveries.map((d) => d.steps[0]?.dateTime),
  ].filter((x): x is string => typeof x === "string" && !Number.isNaN(Date.parse(x)));
  const reference = notification?.createdDateTime ?? firstMoment.sort((a, b) => time(a) - time(b))[0] ?? null;
  const ref = reference ?? new Date(0).toISOString();
  const devices = new Map(endpoints.map((e) => [e.id, e]));

  const lanes = new Map<string, LaneDraft>();
  const notificationLane: LaneDraft = { key: "notification", endpoint: null, drafts: [] };

  for (const record of deliveries) {
    const device = devices.get(record.endpoint.id);
    const skip: SkipContext = {
      subscriptionExpiredAt: device?.subscriptionExpirationDateTime ?? null,
      registeredAt: device?.createdDateTime ?? null,
      displayTimeToLive: notification?.displayTimeToLive ?? null,
      pushServiceHost: record.endpoint.pushServiceHost,
      reference: ref,
      format,
    };
    const steps = [...record.steps].sort((a, b) => time(a.dateTime) - time(b.dateTime));
    lanes.set(record.endpoint.id, { key: `endpoint-${record.endpoint.id}`, endpoint: record.endpoint, drafts: steps.map((s) => stepPoint(s, skip)) });
  }

  let sawCreated = false;
  for (const event of eventsOldestFirst) {
    const draft = eventPoint(event, format, ref);
    if (!draft) continue;
    if (event.kind === "created") sawCreated = true;
    const endpoint = event.actor.kind === "user" ? event.endpoint : null;
    if (!endpoint) {
      notificationLane.drafts.push(draft);
      continue;
    }
    let lane = lanes.get(endpoint.id);
    if (!lane) {
      lane = { key: `endpoint-${endpoint.id}`, endpoint, drafts: [] };
      lanes.set(endpoint.id, lane);
    }
    lane.drafts.push(draft);
  }
  if (!sawCreated && notification) {
    notificationLane.drafts.unshift({
      at: time(notification.createdDateTime),
      iso: notification.createdDateTime,
      update: false,
      kind: "created",
      label: "Created",
      detail: `Created by the app (${notification.targetHostName}).`,
      tone: "muted",
    });
  }

  const all = [notificationLane, ...lanes.values()];
  const positions = axisPositions(all.flatMap((l) => l.drafts.map((d) => d.at)));
  const place = (lane: LaneDraft): TimelinePoint[] =>
    lane.drafts
      .map((d, i) => ({ ...d, key: `${lane.key}-${i}`, position: positions.get(d.at) ?? 0 }))
      .sort((a, b) => a.at - b.at);

  const names = laneNames([...lanes.values()].map((l) => l.endpoint!), devices, ref, format);
  const endpointLanes: Lane[] = [...lanes.values()].map((draft) => {
    const endpoint = draft.endpoint!;
    const points = place(draft);
    const { status, point, tone } = laneStatus(points);
    // The attempts of the push the status is about (a later push's tries are its own).
    const ownSteps = deliveries.find((d) => d.endpoint.id === endpoint.id)?.steps.filter(isDisplayStep) ?? [];
    const upToStatus = ownSteps.filter((s) => point === null || time(s.dateTime) <= point.at);
    const attempts = Math.max(0, ...upToStatus.map((s) => s.attempts ?? 0));
    const arrived = point !== null && STATUS_TONE[status] !== "bad" && status !== "skipped" && status !== "queued" && status !== "retrying";
    const laterMiss = arrived ? ([...points].reverse().find((p) => !p.update && p.at > point.at && (p.kind === "skipped" || p.kind === "failed")) ?? null) : null;
    const removedNote = endpoint.removed
      ? `${removalText(endpoint.removedReason)}${endpoint.removedDateTime ? `, ${formatTimeNear(endpoint.removedDateTime, ref, format)}` : ""}`
      : null;
    return {
      key: draft.key,
      kind: "endpoint",
      endpointId: endpoint.id,
      name: names.get(endpoint.id)!,
      platform: platformLabel(endpoint.platform),
      pushServiceHost: endpoint.pushServiceHost,
      removed: endpoint.removed,
      removedNote,
      status,
      tone,
      statusPoint: point,
      summary: summaryFor(status, point, ref, format) + (laterMiss ? `; not pushed again at ${formatTimeNear(laterMiss.iso, ref, format)}` : ""),
      attempts: attempts > 1 ? attempts : null,
      laterMiss,
      points,
    };
  });
  endpointLanes.sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status]);

  const result: Lane[] = [];
  if (notificationLane.drafts.length > 0) {
    result.push({
      key: notificationLane.key,
      kind: "notification",
      endpointId: null,
      name: "The notification",
      platform: "",
      pushServiceHost: null,
      removed: false,
      removedNote: null,
      status: "none",
      tone: "muted",
      statusPoint: null,
      summary: notification ? `From ${notification.targetHostName}` : "What the app and the service did",
      attempts: null,
      laterMiss: null,
      points: place(notificationLane),
    });
  }
  result.push(...endpointLanes);

  const times = [...positions.keys()];
  return {
    start: times.length ? Math.min(...times) : null,
    end: times.length ? Math.max(...times) : null,
    reference,
    lanes: result,
    axis: axisMarks(positions, ref, format),
  };
}
