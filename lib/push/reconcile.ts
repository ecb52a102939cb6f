// Keeping the OS's view equal to the server's when this page is open: the app badge shows the
// unread count, and OS notifications of items that were read, dismissed or deleted elsewhere are
// closed (push services that get no state pushes never told the worker).
import { ApiError } from "@/lib/api/errors";
import type { Notification } from "@/contracts/notification";
import { settledIds, type ChangeBus } from "@/lib/events/notification-changes";
import { needsAttention } from "../../contracts/push-payload";
import { askWorker } from "./worker-notifications";

interface BadgeNavigator {
  setAppBadge?: (count?: number) => Promise<void>;
  clearAppBadge?: () => Promise<void>;
}

/** The app icon's badge = the unread count; cleared at 0. A no-op where the Badging API is missing. */
export async function setAppBadge(count: number, nav: BadgeNavigator | undefined = globalThis.navigator as BadgeNavigator | undefined): Promise<void> {
  if (!nav) return;
  try {
    if (count > 0 && typeof nav.setAppBadge === "function") await nav.setAppBadge(count);
    else if (count <= 0 && typeof nav.clearAppBadge === "function") await nav.clearAppBadge();
    else if (count <= 0 && typeof nav.setAppBadge === "function") await nav.setAppBadge(0);
  } catch {
    // Refused (not installed, no permission): the badge is a courtesy, the page still shows the count.
  }
}

/** Should an OS notification for this item still be showing? */
export function stillShowable(item: Pick<Notification, "status" | "readState" | "userActionState"> | null): boolean {
  return item !== null && needsAttention(item);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface ShownNotification {
  readonly tag: string;
  close(): void;
}

export interface ReconcileDeps {
  /** The shown notifications, as the worker lists them (shownNotifications). */
  listShown(): Promise<readonly ShownNotification[]>;
  /** Items the page has loaded: their state is known without asking. */
  loaded: readonly Notification[];
  fetchById(id: string): Promise<Notification>;
  /** At most this many GETs for items not loaded (the rest wait for the next reconcile). */
  maxFetches?: number;
}

/** Closes stale OS notifications; returns the ids closed. */
export async function reconcileShownNotifications(deps: ReconcileDeps): Promise<string[]> {
  const shown = (await deps.listShown()).filter((n) => GUID.test(n.tag));
  if (shown.length === 0) return [];
  const known = new Map(deps.loaded.map((item) => [item.id, item]));
  const budget = { left: deps.maxFetches ?? 10 };
  const closed: string[] = [];
  await Promise.all(
    shown.map(async (notification) => {
      let item: Notification | null | undefined = known.get(notification.tag);
      if (item === undefined) {
        if (budget.left <= 0) return;
        budget.left--;
        try {
          item = await deps.fetchById(notification.tag);
        } catch (error) {
          // Gone (deleted, expired, or not this user's) → close; any other failure → leave it for now.
          if (error instanceof ApiError && error.status === 404) item = null;
          else return;
        }
      }
      if (!stillShowable(item)) {
        notification.close();
        closed.push(notification.tag);
      }
    }),
  );
  return closed;
}

/**
 * The app's shown OS notifications, as the worker lists them (none where there is no worker, or it did
 * not answer); closing one asks the worker too. The page never reads them itself: see askWorker.
 */
export async function shownNotifications(getRegistration: () => Promise<ServiceWorkerRegistration | undefined>): Promise<readonly ShownNotification[]> {
  const worker = (await getRegistration().catch(() => undefined))?.active;
  const tags = (await askWorker(worker, { type: "list-notifications" })) ?? [];
  return tags.map((tag) => ({ tag, close: () => void askWorker(worker, { type: "close-notifications", tags: [tag] }) }));
}

/**
 * Closes this browser's OS notification of one item at once, when the user settles it in the page:
 * the acting endpoint gets no push for its own change, and a delete waits out its undo window
 * before the server knows.
 */
export async function closeShownNotification(
  id: string,
  getRegistration: () => Promise<ServiceWorkerRegistration | undefined>,
): Promise<void> {
  const worker = (await getRegistration().catch(() => undefined))?.active;
  await askWorker(worker, { type: "close-notifications", tags: [id] });
}

/**
 * Subscriber: closes an item's OS notification as soon as a change in this page settles it (opened,
 * read, dismissed, deleted — before the service answers). Returns the unsubscribe function.
 */
export function closeSettledNotifications(
  bus: ChangeBus,
  getRegistration: () => Promise<ServiceWorkerRegistration | undefined>,
): () => void {
  return bus.subscribe((change) => {
    for (const id of settledIds(change)) void closeShownNotification(id, getRegistration);
  });
}
