"use client";
// The full notification. A native modal <dialog>: the browser traps focus, makes the page behind
// inert, closes on Escape and returns focus to the button that opened it.
import { useEffect, useRef } from "react";
import type { Notification } from "@/contracts/notification";
import { formatAbsoluteTime } from "@/lib/format/relative-time";
import { notificationTitle } from "@/lib/format/notification-title";
import { SnoozeMenu } from "./snooze-menu";
import { SnoozeReturn } from "./snooze-return";

interface NotificationDialogProps {
  item: Notification | null;
  onClose: () => void;
  onToggleRead: (item: Notification) => void;
  onDismiss: (item: Notification) => void;
  onSnooze: (item: Notification, until: Date) => void;
  onUnsnooze: (item: Notification) => void;
  onDelete: (item: Notification) => void;
}

/** Where the notification points: its app's site, when its target host is a plain host name. */
export function appLink(targetHostName: string): string | undefined {
  if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i.test(targetHostName)) return undefined;
  return `https://${targetHostName.toLowerCase()}/`;
}

export function NotificationDialog({ item, onClose, onToggleRead, onDismiss, onSnooze, onUnsnooze, onDelete }: NotificationDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const firstAction = useRef<HTMLButtonElement>(null);
  const openId = item?.id;
  const link = item ? appLink(item.targetHostName) : undefined;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (openId && !dialog.open) {
      dialog.showModal();
      // The first action is harmless (read/unread): Enter right after opening changes nothing for good.
      firstAction.current?.focus();
    }
    if (!openId && dialog.open) dialog.close();
  }, [openId]);

  return (
    <dialog ref={ref} className="dialog" aria-labelledby="dialog-title" onClose={onClose}>
      {item && (
        <div className="dialog-inner">
          <div className="dialog-head">
            <h2 id="dialog-title">{notificationTitle(item)}</h2>
            <button type="button" className="btn btn-quiet btn-icon" aria-label="Close" onClick={() => ref.current?.close()}>
              <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true">
                <path d="M5 5l10 10M15 5 5 15" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
              </svg>
            </button>
          </div>
          {item.payload.visualContent?.body && <p className="dialog-body">{item.payload.visualContent.body}</p>}
          {!item.payload.visualContent && item.payload.rawContent && <pre className="dialog-body">{item.payload.rawContent}</pre>}
          <dl>
            <dt>From</dt>
            <dd>{item.targetHostName}</dd>
            {item.groupName && (
              <>
                <dt>Group</dt>
                <dd>{item.groupName}</dd>
              </>
            )}
            {item.priority !== "None" && (
              <>
                <dt>Priority</dt>
                <dd>{item.priority}</dd>
              </>
            )}
            <dt>Received</dt>
            <dd>
              <time dateTime={item.createdDateTime}>{formatAbsoluteTime(item.createdDateTime)}</time>
            </dd>
            {item.userActionState === "snoozed" && item.snoozedUntilDateTime && (
              <>
                <dt>Snoozed</dt>
                <dd>
                  <SnoozeReturn until={item.snoozedUntilDateTime} />
                </dd>
              </>
            )}
            <dt>Expires</dt>
            <dd>
              <time dateTime={item.expirationDateTime}>{formatAbsoluteTime(item.expirationDateTime)}</time>
            </dd>
          </dl>
          <div className="dialog-actions">
            <button ref={firstAction} type="button" className="btn" onClick={() => onToggleRead(item)}>
              {item.readState === "unread" ? "Mark as read" : "Mark as unread"}
            </button>
            {item.userActionState !== "dismissed" && item.userActionState !== "snoozed" && (
              <button type="button" className="btn" onClick={() => onDismiss(item)}>
                Dismiss
              </button>
            )}
            {item.userActionState === "snoozed" ? (
              <button type="button" className="btn" onClick={() => onUnsnooze(item)}>
                Unsnooze
              </button>
            ) : (
              <SnoozeMenu expirationDateTime={item.expirationDateTime} onSnooze={(until) => onSnooze(item, until)} />
            )}
            <button type="button" className="btn btn-danger" onClick={() => onDelete(item)}>
              Delete
            </button>
            {link && (
              <a className="btn dialog-link" href={link} target="_blank" rel="noopener noreferrer">
                Go to {item.targetHostName}
                <span className="sr-only"> (opens in a new tab)</span>
              </a>
            )}
          </div>
        </div>
      )}
    </dialog>
  );
}
