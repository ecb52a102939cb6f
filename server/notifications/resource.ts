// The notification resource as the wire shows it (contracts/notification.ts).
import type { CreatedNotification, Notification, VisualContent } from "../../contracts/notification";
import type { PageTokenCodec } from "../http/page-token";
import type { NotificationRow } from "./queries";

export type Etagger = (row: Pick<NotificationRow, "id" | "change_seq">) => string;

/**
 * A row's ETag: it changes with every change of the row and reveals nothing
 * (the change number behind it is shared by every user and tenant).
 */
export function etagger(tokens: Pick<PageTokenCodec, "opaqueId">): Etagger {
  return (row) => `W/"${tokens.opaqueId("etag", `${row.id}:${row.change_seq}`)}"`;
}

/** Seconds the OS notification may still stay displayed (floor, never negative). */
export function remainingSeconds(until: Date | null, now: Date): number | null {
  if (until === null) return null;
  return Math.max(0, Math.floor((until.getTime() - now.getTime()) / 1000));
}

function visualContent(row: NotificationRow): VisualContent | undefined {
  if (row.title === null) return undefined;
  return row.body === null ? { title: row.title } : { title: row.title, body: row.body };
}

export function toResource(row: NotificationRow, now: Date, etagOf: Etagger): Notification {
  const payload: Notification["payload"] = {};
  if (row.raw_content !== null) payload.rawContent = row.raw_content;
  const visual = visualContent(row);
  if (visual) payload.visualContent = visual;
  return {
    "@odata.etag": etagOf(row),
    id: row.id,
    targetHostName: row.target_host_name,
    appNotificationId: row.app_notification_id,
    groupName: row.group_name,
    priority: row.priority,
    displayTimeToLive: remainingSeconds(row.display_until, now),
    expirationDateTime: row.expiration.toISOString(),
    payload,
    targetPolicy: { platformTypes: row.platform_types },
    fallbackPolicy: row.fallback_policy,
    readState: row.read_state,
    userActionState: row.action_state,
    snoozedUntilDateTime: row.snoozed_until?.toISOString() ?? null,
    status: row.status,
    createdDateTime: row.created.toISOString(),
    lastModifiedDateTime: row.last_modified.toISOString(),
  };
}

/** The 201 body, shaped exactly as Microsoft's captured response (payload echoes visualContent only). */
export function toCreatedResponse(row: NotificationRow, now: Date, context: string): CreatedNotification {
  const visual = visualContent(row);
  return {
    "@odata.context": context,
    displayTimeToLive: remainingSeconds(row.display_until, now),
    expirationDateTime: row.expiration.toISOString(),
    groupName: row.group_name,
    id: row.id,
    priority: row.priority,
    payload: visual ? { visualContent: visual } : {},
  };
}
