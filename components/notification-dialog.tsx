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
  onMarkUnread: (item: Notification) => void;
  onSnooze: (item: Notification, until: Date) => void;
  onUnsnooze: (item: Notification) => void;
  onDelete: (item: Notification) => void;
}

export function NotificationDialog({ item, onClose, onMarkUnread, onSnooze, onUnsnooze, onDelete }: NotificationDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (item && !dialog.open) dialog.showModal();
    if (!item && dialog.open) dialog.close();
  }, [item]);

  return (
    <dialog ref={ref} className="dialog" aria-labelledby="dialog-title" onClose={onClose}>
      {item && (
        <div className="dialog-inner">
          <h2 id="dialog-title">{notificationTitle(item)}</h2>
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
            <dt>Priority</dt>
            <dd>{item.priority}</dd>
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
            <button type="button" className="btn btn-danger" onClick={() => onDelete(item)}>
              Delete
            </button>
            <button type="button" className="btn" onClick={() => onMarkUnread(item)}>
              Mark as unread
            </button>
            {item.userActionState === "snoozed" ? (
              <button type="button" className="btn" onClick={() => onUnsnooze(item)}>
                Unsnooze
              </button>
            ) : (
              <SnoozeMenu expirationDateTime={item.expirationDateTime} onSnooze={(until) => onSnooze(item, until)} />
            )}
            <button type="button" className="btn btn-primary" autoFocus onClick={() => ref.current?.close()}>
              Close
            </button>
          </div>
        </div>
      )}
    </dialog>
  );
}
