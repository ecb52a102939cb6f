"use client";
// Registers the service worker on every page of the app and shows the update prompt when a new version
// waits. Mounted once in the root layout; renders nothing until there is an update.
import { useEffect, useState } from "react";
import { acceptUpdate, onUpdateReady, registerServiceWorker } from "@/lib/push/sw-registration";
import { UpdatePrompt } from "./update-prompt";

export function ServiceWorkerProvider() {
  const [ready, setReady] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void registerServiceWorker();
    return onUpdateReady(setReady);
  }, []);

  if (!ready) return null;
  return (
    <UpdatePrompt
      busy={busy}
      onReload={() => {
        setBusy(true);
        acceptUpdate();
      }}
    />
  );
}
