"use client";
// The inbox's one-line invitation to turn push on; hidden for good once dismissed (this browser).
import { useState } from "react";
import { usePushState } from "@/lib/hooks/use-push-state";

const HINT_KEY = "inbox.push-hint-dismissed";

function readDismissed(): boolean {
  if (typeof window === "undefined") return true;
  try {
    return window.localStorage.getItem(HINT_KEY) === "1";
  } catch {
    return false;
  }
}

export function PushHint() {
  const push = usePushState();
  // Signed-in pages render in the browser only (after MSAL started), so localStorage is there.
  const [dismissed, setDismissed] = useState(readDismissed);

  if (dismissed || (push.state !== "prompt" && push.state !== "off")) return null;

  const dismiss = () => {
    setDismissed(true);
    try {
      window.localStorage.setItem(HINT_KEY, "1");
    } catch {
      // Storage refused: hidden for this page only.
    }
  };

  return (
    <section className="push-hint" aria-label="Get notifications on this device">
      <p>Get notifications on this device</p>
      <div className="push-hint-actions">
        <button type="button" className="btn btn-primary btn-small" disabled={push.busy} onClick={() => void push.enable()}>
          Turn on
        </button>
        <button type="button" className="btn btn-quiet btn-small" aria-label="Hide this tip" onClick={dismiss}>
          {/* A phone shows the × alone (the tip keeps to one line). */}
          <span className="hint-hide-label" aria-hidden="true">
            Hide this tip
          </span>
          <span className="hint-hide-x" aria-hidden="true">
            ×
          </span>
        </button>
      </div>
      {push.error && (
        <p className="push-control-error" role="alert">
          {push.error.message}
        </p>
      )}
    </section>
  );
}
