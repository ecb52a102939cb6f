"use client";
// The inbox's one-line tip for this device: turn push on, install the app where the browser offers
// its prompt, or, on iPhone and iPad, add it to the Home Screen (iOS's condition for push). Hidden
// for good once dismissed (this browser); Settings keeps every one of these.
import { useRef, useState } from "react";
import { useInstall } from "@/lib/hooks/use-install";
import { usePushState } from "@/lib/hooks/use-push-state";
import { ShareGlyph } from "./share-glyph";

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
  const install = useInstall();
  const tipRef = useRef<HTMLElement>(null);
  // Signed-in pages render in the browser only (after MSAL started), so localStorage is there.
  const [dismissed, setDismissed] = useState(readDismissed);

  const offerPush = push.state === "prompt" || push.state === "off";
  const offerInstall = install.offer === "prompt";
  const offerHomeScreen = install.offer === "ios";
  if (dismissed || !(offerPush || offerInstall || offerHomeScreen)) return null;

  const dismiss = () => {
    setDismissed(true);
    try {
      window.localStorage.setItem(HINT_KEY, "1");
    } catch {
      // Storage refused: hidden for this page only.
    }
  };

  const onInstall = async () => {
    await install.install();
    // The button is gone: keep focus in the tip, or on the list when the tip went too.
    requestAnimationFrame(() => (tipRef.current ?? document.getElementById("notifications"))?.focus());
  };

  if (offerHomeScreen) {
    return (
      <section className="push-hint" aria-label="Add Inbox to your Home Screen">
        <div className="push-hint-text">
          <p>Add Inbox to your Home Screen to get notifications</p>
          <p className="push-hint-detail">
            Tap{" "}
            <span className="install-steps-button">
              <ShareGlyph /> Share
            </span>
            , then “Add to Home Screen”, and open Inbox from there.
          </p>
        </div>
        <div className="push-hint-actions">
          <button type="button" className="btn btn-quiet btn-small" onClick={dismiss}>
            Hide this tip
          </button>
        </div>
      </section>
    );
  }

  const title = offerPush ? "Get notifications on this device" : "Install Inbox on this device";
  return (
    <section ref={tipRef} className="push-hint" aria-label={title} tabIndex={-1}>
      <p>{title}</p>
      <div className="push-hint-actions">
        {offerPush && (
          <button type="button" className="btn btn-primary btn-small" disabled={push.busy} onClick={() => void push.enable()}>
            Turn on
          </button>
        )}
        {offerInstall && (
          <button
            type="button"
            className={offerPush ? "btn btn-small" : "btn btn-primary btn-small"}
            disabled={install.busy}
            onClick={() => void onInstall()}
          >
            Install app
          </button>
        )}
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
