"use client";
// Settings' "Install the app": the browser's own prompt where it offers one, the steps on iPhone and
// iPad, what is there when installed, and where to look in any other browser.
import { useId, useRef } from "react";
import { useAnnounce } from "./live-region";
import { IosInstallSteps } from "./ios-install-steps";
import { useInstall } from "@/lib/hooks/use-install";

export function InstallControl() {
  const install = useInstall();
  const announce = useAnnounce();
  const describedBy = useId();
  const textRef = useRef<HTMLDivElement>(null);
  if (!install.offer) return null;

  let title: string;
  let detail: string;
  switch (install.offer) {
    case "installed":
      title = install.standalone ? "You're using the Inbox app" : "Inbox is installed on this device";
      detail = install.standalone
        ? "It has a window of its own, opens without a network, and its icon shows how many notifications are unread."
        : "Open it from your apps or Home Screen: it has a window of its own and its icon shows your unread count.";
      break;
    case "prompt":
      title = "Install Inbox on this device";
      detail = "It gets a window of its own, starts from your apps or Home Screen, opens without a network and shows your unread count on its icon.";
      break;
    case "ios":
      title = "Add Inbox to your Home Screen";
      detail = "Inbox then opens from its own icon, full screen, and iPhone and iPad let it send you notifications.";
      break;
    case "browser-menu":
      title = "Install Inbox from your browser";
      detail =
        "Where your browser can install web apps, its menu or address bar offers it: Install in Chrome and Edge, File › Add to Dock in Safari on a Mac.";
      break;
  }

  const onInstall = async () => {
    const outcome = await install.install();
    if (outcome === "accepted") announce("Inbox is installed.");
    // The button is gone: focus stays here, on what the section says now.
    requestAnimationFrame(() => textRef.current?.focus());
  };

  return (
    <div className="push-control install-control" data-offer={install.offer}>
      <div ref={textRef} id={describedBy} className="push-control-text" tabIndex={-1}>
        <p className="push-control-title">{title}</p>
        <p className="push-control-detail">{detail}</p>
      </div>
      {install.offer === "ios" && <IosInstallSteps />}
      {install.offer === "prompt" && (
        <button type="button" className="btn btn-primary" aria-describedby={describedBy} disabled={install.busy} onClick={() => void onInstall()}>
          Install app
        </button>
      )}
    </div>
  );
}
