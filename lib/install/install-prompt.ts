// The browser's install prompt, kept from the moment it is offered. Chromium fires
// `beforeinstallprompt` once, early and whether or not a component is listening yet, so the listener
// is added when this module loads (with the page's script, before sign-in finishes) and the event is
// kept here until Install uses it. A prompt can be shown once: it is dropped after use, and the
// browser offers a new one later if the user said no.

/** Chromium's BeforeInstallPromptEvent (not in TypeScript's DOM library). */
export interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<unknown>;
  readonly userChoice: Promise<{ outcome: "accepted" | "dismissed"; platform?: string }>;
}

export interface InstallPromptSnapshot {
  hasPrompt: boolean;
  /** `appinstalled` fired in this page: installed from here (or from the browser's own menu). */
  installedHere: boolean;
}

export type InstallOutcome = "accepted" | "dismissed" | "unavailable";

const NOTHING: InstallPromptSnapshot = { hasPrompt: false, installedHere: false };

export interface InstallPromptStore {
  subscribe(listener: () => void): () => void;
  snapshot(): InstallPromptSnapshot;
  /** Shows the browser's prompt and answers what the user chose. */
  install(): Promise<InstallOutcome>;
}

function isInstallPrompt(event: Event): event is BeforeInstallPromptEvent {
  return typeof (event as Partial<BeforeInstallPromptEvent>).prompt === "function";
}

/** A store listening on `target` (the window); exported for tests, the app uses `installPrompt`. */
export function createInstallPromptStore(target: Pick<Window, "addEventListener"> | undefined): InstallPromptStore {
  let deferred: BeforeInstallPromptEvent | null = null;
  let current = NOTHING;
  const listeners = new Set<() => void>();
  const update = (next: Partial<InstallPromptSnapshot>) => {
    current = { ...current, ...next };
    for (const listener of listeners) listener();
  };

  target?.addEventListener("beforeinstallprompt", (event) => {
    if (!isInstallPrompt(event)) return;
    // Keep the browser's own mini-infobar away: the app offers Install where it fits.
    event.preventDefault();
    deferred = event;
    update({ hasPrompt: true });
  });
  target?.addEventListener("appinstalled", () => {
    deferred = null;
    update({ hasPrompt: false, installedHere: true });
  });

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    snapshot: () => current,
    async install() {
      const event = deferred;
      if (!event) return "unavailable";
      deferred = null;
      update({ hasPrompt: false });
      await event.prompt();
      const { outcome } = await event.userChoice;
      if (outcome === "accepted") update({ installedHere: true });
      return outcome;
    },
  };
}

export const installPrompt = createInstallPromptStore(typeof window === "undefined" ? undefined : window);

export const noInstallPrompt: InstallPromptSnapshot = NOTHING;
