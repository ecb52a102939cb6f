// Registers the service worker (workbox-window) once per page load and runs
// Workbox's prompt-to-update flow: a new worker that is `waiting` is announced
// to listeners (the update prompt); when the user accepts, it is told to skip
// waiting and the page reloads once, when that worker controls it. Never an
// unconditional skipWaiting.
import { Workbox } from "workbox-window";

export const SERVICE_WORKER_URL = "/sw.js";
const UPDATE_CHECK_MS = 60 * 60 * 1000;

type UpdateListener = (ready: boolean) => void;

let workbox: Workbox | undefined;
let registration: Promise<ServiceWorkerRegistration | undefined> | undefined;
let updateReady = false;
let accepted = false;
const updateListeners = new Set<UpdateListener>();

/** Whether this page should have a worker: a production build, in a top-level window that supports one. */
export function serviceWorkerSupported(): boolean {
  return (
    typeof window !== "undefined" &&
    "serviceWorker" in navigator &&
    // `next dev` serves no worker (see README); MSAL's hidden iframes need none either.
    process.env.NODE_ENV === "production" &&
    window.top === window
  );
}

function setUpdateReady(ready: boolean): void {
  updateReady = ready;
  for (const listener of updateListeners) listener(ready);
}

/** Registers /sw.js with scope `/` (once per page load; later calls return the same promise). */
export function registerServiceWorker(): Promise<ServiceWorkerRegistration | undefined> {
  if (registration) return registration;
  if (!serviceWorkerSupported()) {
    registration = Promise.resolve(undefined);
    return registration;
  }
  const wb = new Workbox(SERVICE_WORKER_URL, { scope: "/" });
  workbox = wb;
  // A new worker installed and waits for the open pages to let go: ask the user (also when another tab
  // registered it, `isExternal`).
  wb.addEventListener("waiting", () => setUpdateReady(true));
  // Reload only after the user accepted: the first install also fires `controlling` (the worker claims the page).
  wb.addEventListener("controlling", () => {
    if (accepted) window.location.reload();
  });
  registration = wb.register({ immediate: true }).catch((err: unknown) => {
    console.warn("Service worker registration failed:", err);
    return undefined;
  });
  const check = () => void wb.update().catch(() => undefined);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") check();
  });
  window.setInterval(check, UPDATE_CHECK_MS);
  return registration;
}

/** Subscribes to "a new version is ready"; called at once with the current state. Returns the unsubscribe. */
export function onUpdateReady(listener: UpdateListener): () => void {
  updateListeners.add(listener);
  listener(updateReady);
  return () => updateListeners.delete(listener);
}

/** The user accepted the update: the waiting worker takes over, and `controlling` reloads the page once. */
export function acceptUpdate(): void {
  const wb = workbox;
  if (!wb || !updateReady || accepted || !registration) return;
  accepted = true;
  void registration.then((reg) => {
    // Another tab already let the new worker take over: this page only needs to load the new version.
    if (!reg?.waiting) window.location.reload();
    else wb.messageSkipWaiting();
  });
}
