"use client";
// A notification that arrived while this tab was in front: shown here instead of an OS notification.
// The region is always in the page so screen readers announce what appears in it (polite).
import { useEffect, useRef, useState } from "react";
import type { PushNotificationView } from "@/contracts/push-payload";

export const TOAST_MS = 8000;

interface NotificationToastProps {
  notification: PushNotificationView | null;
  onOpen: (id: string) => void;
  onClose: () => void;
}

export function NotificationToast({ notification, onOpen, onClose }: NotificationToastProps) {
  const [paused, setPaused] = useState(false);
  const closeRef = useRef(onClose);
  useEffect(() => {
    closeRef.current = onClose;
  });

  // Auto-hides, but not while the pointer or keyboard focus is on it.
  useEffect(() => {
    if (!notification || paused) return;
    const timer = setTimeout(() => closeRef.current(), TOAST_MS);
    return () => clearTimeout(timer);
  }, [notification, paused]);

  return (
    <div className="notification-toast-region" role="status" aria-live="polite" aria-atomic="true">
      {notification && (
        <div
          className="toast notification-toast"
          aria-label="New notification"
          role="group"
          onMouseEnter={() => setPaused(true)}
          onMouseLeave={() => setPaused(false)}
          onFocus={() => setPaused(true)}
          onBlur={() => setPaused(false)}
        >
          <div className="notification-toast-text">
            <span className="sr-only">New notification: </span>
            <strong>{notification.title || "New notification"}</strong>
            {notification.body && <span className="notification-toast-body">{notification.body}</span>}
          </div>
          <button type="button" className="btn btn-small" onClick={() => onOpen(notification.id)}>
            Open
          </button>
          <button type="button" className="btn btn-small" aria-label="Close new notification" onClick={onClose}>
            ✕
          </button>
        </div>
      )}
    </div>
  );
}
