import type { Notification } from "@/contracts/notification";

/** The words that name a notification in the list, the dialog and announcements. */
export function notificationTitle(item: Pick<Notification, "payload">): string {
  return item.payload.visualContent?.title ?? item.payload.rawContent ?? "(no title)";
}
