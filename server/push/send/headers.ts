// The Web Push request headers for one push (contract: "What the service
// pushes"; RFC 8030 §5.2–5.4): how long the push service may keep it, how
// urgently to wake the device, and which pending push it replaces.
import type { Priority } from "../../../contracts/notification";
import { isStatePush, type PushKind } from "../../../contracts/push-payload";

export interface PushHeaderInput {
  kind: PushKind;
  priority: Priority;
  notificationId: string;
  expiration: Date;
  /** When the OS notification must be gone (created + displayTimeToLive), if set. */
  displayUntil: Date | null;
  now: Date;
}

export interface PushHeaders {
  /** Seconds the push service may hold the message (0: deliver now or drop). */
  ttl: number;
  urgency: "high" | "normal";
  /** Only on state pushes: a newer state push replaces a pending older one for the same item. */
  topic?: string;
}

/**
 * The RFC 8030 Topic of a notification: its GUID without hyphens, 32 characters
 * of the base64url alphabet (the RFC's limit), the same for every state push
 * of that notification.
 */
export function topicOf(notificationId: string): string {
  return notificationId.replace(/-/g, "").toLowerCase();
}

export function pushHeadersFor(p: PushHeaderInput): PushHeaders {
  const untilExpiry = Math.floor((p.expiration.getTime() - p.now.getTime()) / 1000);
  const untilHidden =
    p.displayUntil === null ? Number.POSITIVE_INFINITY : Math.floor((p.displayUntil.getTime() - p.now.getTime()) / 1000);
  const ttl = Math.max(0, Math.min(untilExpiry, untilHidden));
  const headers: PushHeaders = { ttl, urgency: p.priority === "High" ? "high" : "normal" };
  if (isStatePush(p.kind)) headers.topic = topicOf(p.notificationId);
  return headers;
}
