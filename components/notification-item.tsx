"use client";
// One notification in the list. Unread shows as a bar, a dot, bold text and the word "Unread"
// (for screen readers and for anyone who can't tell the colour apart), not by colour alone.
import type { ComponentPropsWithRef } from "react";
import type { Notification } from "@/contracts/notification";
import { RelativeTime } from "./relative-time";
import { SnoozeMenu } from "./snooze-menu";
import { SnoozeReturn } from "./snooze-return";
import { notificationTitle } from "@/lib/format/notification-title";

export interface ItemActions {
  onOpen: (item: Notification) => void;
  onToggleRead: (item: Notification) => void;
  onDismiss: (item: Notification) => void;
  onSnooze: (item: Notification, until: Date) => void;
  onUnsnooze: (item: Notification) => void;
  onDelete: (item: Notification) => void;
}

/** `rowProps`: what the virtualized list sets on the row (position, measuring ref, aria-posinset). */
export function NotificationItem({ item, actions, rowProps }: { item: Notification; actions: ItemActions; rowProps?: ComponentPropsWithRef<"li"> & { "data-index"?: number } }) {
  const unread = item.readState === "unread";
  const dismissed = item.userActionState === "dismissed";
  const snoozedUntil = item.userActionState === "snoozed" ? item.snoozedUntilDateTime : null;
  const titleId = `n-${item.id}-title`;
  return (
    <li {...rowProps} role="listitem" className="item" data-item-id={item.id} data-unread={unread} data-dismissed={dismissed} aria-labelledby={titleId}>
      <div className="item-top">
        {unread && <span className="unread-dot" aria-hidden="true" />}
        {unread && <span className="sr-only">Unread</span>}
        <h2 className="item-title" id={titleId}>
          {notificationTitle(item)}
        </h2>
      </div>
      {item.payload.visualContent?.body && <p className="item-body">{item.payload.visualContent.body}</p>}
      <div className="item-footer">
        <div className="meta">
          <RelativeTime iso={item.createdDateTime} />
          {item.groupName && <span className="tag">{item.groupName}</span>}
          {item.priority === "High" && (
            <span className="tag tag-high">
              <span aria-hidden="true">!</span> High priority
            </span>
          )}
          {item.priority === "Low" && <span className="tag">Low priority</span>}
          {dismissed && <span className="tag">Dismissed</span>}
          {item.userActionState === "activated" && <span className="tag">Opened</span>}
          {snoozedUntil && <SnoozeReturn until={snoozedUntil} className="tag tag-snoozed" />}
        </div>
        <div className="actions">
          <button type="button" className="btn btn-quiet" aria-describedby={titleId} onClick={() => actions.onOpen(item)}>
            Open
          </button>
          <button type="button" className="btn btn-quiet" aria-describedby={titleId} onClick={() => actions.onToggleRead(item)}>
            {unread ? "Mark as read" : "Mark as unread"}
          </button>
          {!dismissed && !snoozedUntil && (
            <button type="button" className="btn btn-quiet" aria-describedby={titleId} onClick={() => actions.onDismiss(item)}>
              Dismiss
            </button>
          )}
          {snoozedUntil ? (
            <button type="button" className="btn btn-quiet" aria-describedby={titleId} onClick={() => actions.onUnsnooze(item)}>
              Unsnooze
            </button>
          ) : (
            <SnoozeMenu
              expirationDateTime={item.expirationDateTime}
              onSnooze={(until) => actions.onSnooze(item, until)}
              describedBy={titleId}
              buttonClassName="btn btn-quiet"
            />
          )}
          <button type="button" className="btn btn-quiet btn-danger" aria-describedby={titleId} onClick={() => actions.onDelete(item)}>
            Delete
          </button>
        </div>
      </div>
    </li>
  );
}
