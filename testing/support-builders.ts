// Builders for the support shapes (contracts/support.ts): delivery records, their steps, event-log
// and access-log entries — a valid value with every field, overridden where a test cares.
import type { AccessLogEntry, DeliveryEndpoint, DeliveryRecord, DeliveryStep, DeliveryStepKind, NotificationEventEntry } from "../contracts/support";

export function aStep(step: DeliveryStepKind, dateTime: string, over: Partial<DeliveryStep> = {}): DeliveryStep {
  return {
    step,
    dateTime,
    pushKind: "created",
    statusCode: step === "sent" ? 201 : null,
    attempts: step === "sent" ? 1 : null,
    reason: null,
    nextAttemptDateTime: null,
    how: step === "shown" ? "system" : null,
    ...over,
  };
}

export function aDeliveryEndpoint(id: string, over: Partial<DeliveryEndpoint> = {}): DeliveryEndpoint {
  return { id, platform: "webPush", deviceName: null, pushServiceHost: "fcm.googleapis.com", removed: false, removedDateTime: null, removedReason: null, ...over };
}

/** A record whose outcome is its last step, as the service sends it. */
export function aDeliveryRecord(endpoint: DeliveryEndpoint, steps: DeliveryStep[]): DeliveryRecord {
  return { endpoint, outcome: steps[steps.length - 1]?.step ?? "queued", steps };
}

export function anEvent(kind: NotificationEventEntry["kind"], dateTime: string, over: Partial<NotificationEventEntry> = {}): NotificationEventEntry {
  return {
    id: `ev-${kind}-${dateTime}`,
    notificationId: "n1",
    dateTime,
    kind,
    actor: kind === "created" || kind === "updated" ? { kind: "app", id: "notifications-sender" } : kind === "expired" || kind === "woke" ? { kind: "service", id: null } : { kind: "user", id: "u1" },
    endpoint: null,
    pushKind: null,
    change: null,
    targetHostName: "contoso.com",
    appNotificationId: null,
    title: "Deploy 77",
    ...over,
  };
}

export function anAccessLogEntry(dateTime: string, over: Partial<AccessLogEntry> = {}): AccessLogEntry {
  return {
    id: `log-${dateTime}`,
    dateTime,
    actor: { id: "sam", displayName: "Sam Support", userPrincipalName: "support@contoso.test" },
    userId: "megan",
    route: "GET /users/megan/notifications",
    reason: "TICKET-42",
    requestId: `req-${dateTime}`,
    ...over,
  };
}
