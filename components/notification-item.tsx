"use client";
// One notification in the list. Unread shows as a bar, a dot, bold text and the word "Unread"
// (for screen readers and for anyone who can't tell the colour apart), not by colour alone.
// The title is the row's open button, and its hit area covers the row: a click or tap anywhere on it
// opens the notification, as mail apps do; the action buttons sit above that area. Wide screens show
// every action; a phone shows read/unread and a "More actions" menu, and takes swipes (right:
// read/unread, left: dismiss).
import type { ComponentPropsWithRef } from "react";
import type { Notification } from "@/contracts/notification";
import { RelativeTime } from "./relative-time";
import { RowMenu } from "./row-menu";
import { SnoozeMenu } from "./snooze-menu";
import { SnoozeReturn } from "./snooze-return";
import { notificationTitle } from "@/lib/format/notification-title";
import { useSwipe, type SwipeDirection } from "@/lib/hooks/use-swipe";

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
  const swipe = useSwipe((direction: SwipeDirection) => {
    if (direction === "right") actions.onToggleRead(item);
    else if (!dismissed && !snoozedUntil) actions.onDismiss(item);
  });
  const swiping = swipe.offset !== 0;
  return (
    <li
      {...rowProps}
      role="listitem"
      className="item"
      data-item-id={item.id}
      data-unread={unread}
      data-dismissed={dismissed}
      data-swipe={swiping ? (swipe.offset > 0 ? "right" : "left") : undefined}
      aria-labelledby={titleId}
      {...swipe.handlers}
    >
      {swiping && (
        <span className="swipe-hint" aria-hidden="true">
          {swipe.offset > 0 ? (unread ? "Read" : "Unread") : dismissed || snoozedUntil ? "" : "Dismiss"}
        </span>
      )}
      <div className="item-inner" style={swiping ? { transform: `translateX(${swipe.offset}px)` } : undefined}>
        <div className="item-content">
          <div className="item-top">
            {unread && <span className="unread-dot" aria-hidden="true" />}
            {unread && <span className="sr-only">Unread</span>}
            <h2 className="item-title" id={titleId}>
              <button type="button" className="item-open" onClick={() => actions.onOpen(item)}>
                {notificationTitle(item)}
              </button>
            </h2>
          </div>
          {item.payload.visualContent?.body && <p className="item-body">{item.payload.visualContent.body}</p>}
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
        </div>
        <div className="actions">
          <button type="button" className="btn btn-quiet act-read" aria-describedby={titleId} onClick={() => actions.onToggleRead(item)}>
            <svg className="act-icon" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true">
              {unread ? (
                <path d="M4 10.5 8 14.5 16 6" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
              ) : (
                <circle cx="10" cy="10" r="4.5" fill="currentColor" />
              )}
            </svg>
            <span className="act-label">{unread ? "Mark as read" : "Mark as unread"}</span>
          </button>
          {!dismissed && !snoozedUntil && (
            <button type="button" className="btn btn-quiet act-wide" aria-describedby={titleId} onClick={() => actions.onDismiss(item)}>
              Dismiss
            </button>
          )}
          {snoozedUntil ? (
            <button type="button" className="btn btn-quiet act-wide" aria-describedby={titleId} onClick={() => actions.onUnsnooze(item)}>
              Unsnooze
            </button>
          ) : (
            <div className="act-wide">
              <SnoozeMenu
                expirationDateTime={item.expirationDateTime}
                onSnooze={(until) => actions.onSnooze(item, until)}
                describedBy={titleId}
                buttonClassName="btn btn-quiet"
              />
            </div>
          )}
          <button type="button" className="btn btn-quiet btn-danger act-wide" aria-describedby={titleId} onClick={() => actions.onDelete(item)}>
            Delete
          </button>
          <div className="act-narrow">
            <RowMenu item={item} actions={actions} describedBy={titleId} />
          </div>
        </div>
      </div>
    </li>
  );
}
