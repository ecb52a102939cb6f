// The service worker's side of the pages' notification requests (contracts/push-payload.ts,
// NotificationsRequest), over a real MessageChannel port, for the page code's unit tests. The real
// worker's answers are exercised in the browser (e2e/service-worker.spec.ts).
import type { NotificationsAnswer, NotificationsRequest } from "../contracts/push-payload";
import { parseNotificationsRequest } from "../sw/push-decisions";
import type { WorkerLike } from "../lib/push/worker-notifications";

export interface FakeShown {
  tag: string;
  closed: boolean;
}

export interface FakeNotificationsWorker extends WorkerLike {
  /** Every request it received, in order. */
  readonly requests: NotificationsRequest[];
}

/** A worker that lists and closes `shown` (answering `silent` never: a worker of an older deployment). */
export function fakeNotificationsWorker(shown: FakeShown[], { silent = false } = {}): FakeNotificationsWorker {
  const requests: NotificationsRequest[] = [];
  return {
    requests,
    postMessage(message, transfer) {
      const request = parseNotificationsRequest(message);
      const port = transfer[0] as MessagePort | undefined;
      if (!request || !port) throw new Error(`not a notifications request: ${JSON.stringify(message)}`);
      requests.push(request);
      if (silent) return;
      const open = shown.filter((n) => !n.closed);
      let tags = open.map((n) => n.tag);
      if (request.type === "close-notifications") {
        const closing = request.tags === "all" ? open : open.filter((n) => request.tags.includes(n.tag));
        for (const n of closing) n.closed = true;
        tags = closing.map((n) => n.tag);
      }
      const answer: NotificationsAnswer = { tags };
      port.postMessage(answer);
      port.close();
    },
  };
}
