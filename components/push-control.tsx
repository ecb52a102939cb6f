"use client";
// The push switch for THIS browser, with its state explained in place.
import { useId } from "react";
import { ApiError } from "@/lib/api/errors";
import { usePushState } from "@/lib/hooks/use-push-state";

const EXPLANATIONS: Record<string, { title: string; detail: string }> = {
  checking: { title: "Checking this device…", detail: "" },
  unsupported: {
    title: "This browser can't get notifications",
    detail: "It has no support for web push notifications. New notifications still appear here while the inbox is open.",
  },
  "ios-install-first": {
    title: "Add Inbox to your Home Screen first",
    detail:
      "On iPhone and iPad, notifications work only in the Home Screen app (iOS 16.4 or later): add Inbox as shown under “Install the app” below, open it from there and turn notifications on.",
  },
  denied: {
    title: "Notifications are blocked for this site",
    detail:
      "To allow them, open this site's settings in your browser (the icon at the left of the address bar), set Notifications to Allow, then reload this page.",
  },
  prompt: {
    title: "Notifications are off on this device",
    detail: "Turn them on to get a notification here whenever an app sends you one. Your browser will ask for permission.",
  },
  off: {
    title: "Notifications are off on this device",
    detail: "Turn them on to get a notification here whenever an app sends you one.",
  },
  on: {
    title: "Notifications are on for this device",
    detail: "Everything sent to you shows up here, and what you read or dismiss on any device is cleared here too.",
  },
};

export function PushControl() {
  const push = usePushState();
  const describedBy = useId();
  const text = EXPLANATIONS[push.state] ?? EXPLANATIONS.off!;
  const canTurnOn = push.state === "prompt" || push.state === "off";

  return (
    <div className="push-control" data-state={push.state}>
      <div id={describedBy} className="push-control-text" role="status" aria-live="polite">
        <p className="push-control-title">{text.title}</p>
        {text.detail && <p className="push-control-detail">{text.detail}</p>}
      </div>
      {/* One button for on and off, aria-disabled while busy: keyboard focus stays on it throughout. */}
      {(canTurnOn || push.state === "on") && (
        <button
          type="button"
          className={canTurnOn ? "btn btn-primary" : "btn"}
          aria-describedby={describedBy}
          aria-disabled={push.busy}
          onClick={() => {
            if (push.busy) return;
            void (canTurnOn ? push.enable() : push.disable());
          }}
        >
          {canTurnOn ? (push.busy ? "Turning on…" : "Turn on notifications on this device") : push.busy ? "Turning off…" : "Turn off notifications on this device"}
        </button>
      )}
      {push.error && (
        <p className="push-control-error" role="alert">
          {push.error.message}
          {push.error instanceof ApiError && push.error.requestId ? ` (request-id ${push.error.requestId})` : ""}
        </p>
      )}
    </div>
  );
}
