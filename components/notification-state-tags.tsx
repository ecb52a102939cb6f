// A notification's state as words, for support's read-only views: every state, deleted included.
import type { Notification } from "@/contracts/notification";
import { formatAbsoluteTime } from "@/lib/format/relative-time";

export function NotificationStateTags({ item }: { item: Notification }) {
  return (
    <>
      {item.status === "deleted" && <span className="tag tag-high">Deleted</span>}
      {item.status !== "deleted" && (
        <span className={item.readState === "unread" ? "tag tag-unread" : "tag"}>{item.readState === "unread" ? "Unread" : "Read"}</span>
      )}
      {item.userActionState === "dismissed" && <span className="tag">Dismissed</span>}
      {item.userActionState === "activated" && <span className="tag">Opened</span>}
      {item.userActionState === "snoozed" && (
        <span className="tag">Snoozed{item.snoozedUntilDateTime ? ` until ${formatAbsoluteTime(item.snoozedUntilDateTime)}` : ""}</span>
      )}
      {item.priority === "High" && (
        <span className="tag tag-high">
          <span aria-hidden="true">!</span> High priority
        </span>
      )}
      {item.priority === "Low" && <span className="tag">Low priority</span>}
      {item.groupName && <span className="tag">{item.groupName}</span>}
    </>
  );
}
