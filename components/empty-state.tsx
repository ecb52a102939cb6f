// What an empty list means depends on what was asked for.
import type { InboxFilters } from "@/lib/api/query";

export function emptyMessage(filters: InboxFilters): { title: string; detail: string } {
  if (filters.search) return { title: `Nothing matches “${filters.search}”`, detail: "Try other words, or clear the search." };
  const inGroup = filters.group ? ` in ${filters.group}` : "";
  switch (filters.view) {
    case "unread":
      return { title: "You're all caught up", detail: `No unread notifications${inGroup}.` };
    case "dismissed":
      return { title: "Nothing dismissed", detail: `Notifications you dismiss${inGroup} show up here until they expire.` };
    case "snoozed":
      return { title: "Nothing snoozed", detail: `Notifications you snooze${inGroup} wait here, then return to your inbox.` };
    default:
      return {
        title: "No notifications yet",
        detail: filters.group ? `Nothing${inGroup} in the last 30 days.` : "When an app sends you a notification, it appears here.",
      };
  }
}

export function EmptyState({ filters }: { filters: InboxFilters }) {
  const { title, detail } = emptyMessage(filters);
  return (
    <div className="state">
      <h2>{title}</h2>
      <p>{detail}</p>
    </div>
  );
}
