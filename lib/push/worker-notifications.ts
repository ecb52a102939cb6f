// This page's way to the app's OS notifications: it asks the service worker, which reads and closes
// them in turn with the pushes it shows (why: NotificationsRequest in contracts/push-payload.ts).
import type { NotificationsAnswer, NotificationsRequest } from "../../contracts/push-payload";

/** The active worker, as far as a page needs it. */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
}

/** How long a page waits for the worker's answer; it may be behind a push (which waits for a toast up to 1.5 s). */
export const WORKER_ANSWER_MS = 5_000;

/**
 * Asks the active worker; the tags it answers with, or undefined when there is no worker or it did not
 * answer in time (a worker of an older deployment does not know the request).
 */
export function askWorker(
  worker: WorkerLike | null | undefined,
  request: NotificationsRequest,
  timeoutMs = WORKER_ANSWER_MS,
): Promise<string[] | undefined> {
  if (!worker || typeof MessageChannel === "undefined") return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    function finish(tags: string[] | undefined): void {
      clearTimeout(timer);
      channel.port1.close();
      resolve(tags);
    }
    channel.port1.onmessage = (event: MessageEvent) => finish(answeredTags(event.data));
    try {
      worker.postMessage(request, [channel.port2]);
    } catch {
      finish(undefined);
    }
  });
}

function answeredTags(data: unknown): string[] | undefined {
  const tags = (data as Partial<NotificationsAnswer> | null)?.tags;
  return Array.isArray(tags) && tags.every((t) => typeof t === "string") ? tags : undefined;
}
