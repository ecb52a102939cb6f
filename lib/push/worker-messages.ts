// Messages from the service worker to this page (protocol: contracts/push-payload.ts). Validated before use:
// anything can postMessage a window client's container only from our own worker, but a worker of
// an older deployment may speak an older shape.
import type { WorkerMessage } from "../../contracts/push-payload";
import type { ChangeBus } from "../events/notification-changes";

/** A handler may return false to say it did not act on the message (a toast it could not show). */
type Handlers = {
  [K in WorkerMessage["type"]]?: (message: Extract<WorkerMessage, { type: K }>) => void | boolean;
};

const KINDS = new Set(["created", "updated", "stateChanged", "deleted"]);

export function parseWorkerMessage(data: unknown): WorkerMessage | undefined {
  if (!data || typeof data !== "object") return undefined;
  const m = data as Record<string, unknown>;
  switch (m.type) {
    case "notifications-changed":
      if (typeof m.notificationId !== "string" || typeof m.kind !== "string" || !KINDS.has(m.kind)) return undefined;
      if (typeof m.unreadCount !== "number" || !Number.isFinite(m.unreadCount)) return undefined;
      return data as WorkerMessage;
    case "notification-received": {
      const n = m.notification as Record<string, unknown> | null | undefined;
      if (!n || typeof n !== "object" || typeof n.id !== "string") return undefined;
      if (typeof m.unreadCount !== "number" || !Number.isFinite(m.unreadCount)) return undefined;
      return data as WorkerMessage;
    }
    case "push-subscription-changed":
      return { type: "push-subscription-changed" };
    default:
      return undefined;
  }
}

export function dispatchWorkerMessage(data: unknown, handlers: Handlers): boolean {
  const message = parseWorkerMessage(data);
  if (!message) return false;
  const handler = handlers[message.type] as ((m: WorkerMessage) => void | boolean) | undefined;
  if (!handler) return false;
  return handler(message) !== false;
}

/** Listens to this page's service worker; returns the unsubscribe function. */
export function listenToWorker(handlers: Handlers): () => void {
  if (typeof navigator === "undefined" || !("serviceWorker" in navigator)) return () => {};
  const container = navigator.serviceWorker;
  const onMessage = (event: MessageEvent) => {
    // Only our own worker (same origin) talks to this page.
    if (event.origin && event.origin !== window.location.origin) return;
    const handled = dispatchWorkerMessage(event.data, handlers);
    // The worker waits for this word (from any listener of the page) before it gives up on the toast
    // and shows an OS notification; a listener that showed nothing stays silent.
    if (handled && (event.data as { type?: unknown } | null)?.type === "notification-received") event.ports[0]?.postMessage({ shown: true });
  };
  container.addEventListener("message", onMessage);
  // Messages queued before the page was ready are held until this is called.
  container.startMessages();
  return () => container.removeEventListener("message", onMessage);
}

/**
 * Publisher: what the worker heard by push, as remote changes. It does not claim a toast shown
 * (`false`): only a page that shows toasts keeps the worker from showing an OS notification.
 */
export function publishWorkerChanges(bus: ChangeBus, listen: typeof listenToWorker = listenToWorker): () => void {
  return listen({
    "notifications-changed": () => bus.publish({ phase: "remote", source: "worker", reason: "changed" }),
    "notification-received": () => {
      bus.publish({ phase: "remote", source: "worker", reason: "received" });
      return false;
    },
  });
}
