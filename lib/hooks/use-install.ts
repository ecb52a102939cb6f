"use client";
// What this browser offers for installing Inbox (lib/install/install-offer.ts), and Install, which
// shows the browser's prompt kept since it was offered (lib/install/install-prompt.ts).
import { useCallback, useState, useSyncExternalStore } from "react";
import { installOffer, type InstallOffer } from "@/lib/install/install-offer";
import { installPrompt, noInstallPrompt, type InstallOutcome } from "@/lib/install/install-prompt";
import { readPushEnvironment } from "@/lib/push/push-support";

export interface Install {
  /** null until this renders in the browser. */
  offer: InstallOffer | null;
  /** Running as the installed app (not just installed from this tab). */
  standalone: boolean;
  busy: boolean;
  /** Call from a click: shows the browser's install prompt. */
  install(): Promise<InstallOutcome>;
}

export function useInstall(): Install {
  const prompt = useSyncExternalStore(installPrompt.subscribe, installPrompt.snapshot, () => noInstallPrompt);
  // Signed-in pages render in the browser only; the environment does not change while a page lives.
  const [env] = useState(() => (typeof window === "undefined" ? null : readPushEnvironment()));
  const [busy, setBusy] = useState(false);

  const install = useCallback(async () => {
    setBusy(true);
    try {
      return await installPrompt.install();
    } finally {
      setBusy(false);
    }
  }, []);

  return { offer: env ? installOffer(env, prompt) : null, standalone: env?.standalone ?? false, busy, install };
}
