// One client-side change event (after Novu's `notification.read.pending` / `.resolved`): every change
// this page makes, and every change it hears of, is published here once. The unread count, the OS
// notifications, this browser's other tabs and the lists subscribe, so a mutation never calls them by hand.

/** What a change made in this page does. */
export type ChangeAction =
  | "open"
  | "read"
  | "unread"
  | "activate"
  | "dismiss"
  | "snooze"
  | "unsnooze"
  /** An undo putting an item's action state back (a dismissal undone). */
  | "restore"
  | "delete"
  | "markAllRead"
  | "registerEndpoint"
  | "removeEndpoint";

export interface LocalChange {
  action: ChangeAction;
  /** The items (or endpoints) it touches; empty when it reaches beyond what is loaded (mark all read). */
  ids: readonly string[];
  /** How the unread count moves at once: by a delta, or to a known value. Absent when unknown. */
  unread?: { by: number } | { to: number };
}

/**
 * `pending`: applied in this page (optimistically) — an `open`, or a `delete` waiting out its undo window,
 * is pending with no answer of its own. `resolved` / `failed`: the service answered. `remote`: the
 * change was made elsewhere — the service worker heard a push (`changed`, or a new item `received`), or
 * another tab of this browser made it.
 */
export type NotificationChange =
  | ({ phase: "pending" } & LocalChange)
  | ({ phase: "resolved" } & LocalChange)
  | ({ phase: "failed"; error: unknown } & LocalChange)
  | { phase: "remote"; source: "worker" | "tab"; reason: "changed" | "received" };

export type ChangeListener = (change: NotificationChange) => void;

export interface ChangeBus {
  publish(change: NotificationChange): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: ChangeListener): () => void;
}

export function createChangeBus(onListenerError: (error: unknown) => void = reportListenerError): ChangeBus {
  const listeners = new Set<ChangeListener>();
  return {
    publish(change) {
      // A copy: a listener may unsubscribe (or subscribe another) while this change is delivered.
      for (const listener of [...listeners]) {
        // One failing subscriber must not keep the others (the OS notification, other tabs) from hearing it.
        try {
          listener(change);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    subscribe(listener) {
      // Wrapped, so one function subscribed twice is two subscriptions, each removed by its own call.
      const entry: ChangeListener = (change) => listener(change);
      listeners.add(entry);
      return () => void listeners.delete(entry);
    },
  };
}

function reportListenerError(error: unknown): void {
  if (typeof globalThis.reportError === "function") globalThis.reportError(error);
}

/** This page's bus. */
export const notificationChanges: ChangeBus = createChangeBus();

/**
 * Runs a change against the service between its events: `pending` before (the caller's optimistic
 * update is applied in `send`), then `resolved` or `failed`. The failure is rethrown.
 */
export async function publishChange<T>(bus: ChangeBus, change: LocalChange, send: () => Promise<T>): Promise<T> {
  bus.publish({ phase: "pending", ...change });
  let result: T;
  try {
    result = await send();
  } catch (error) {
    bus.publish({ phase: "failed", ...change, error });
    throw error;
  }
  bus.publish({ phase: "resolved", ...change });
  return result;
}

/**
 * The actions after which an OS notification of the item has nothing left to ask of the user (a
 * snoozed item asks again when its snooze ends: the service pushes it anew).
 */
const SETTLING: ReadonlySet<ChangeAction> = new Set<ChangeAction>(["open", "read", "activate", "dismiss", "snooze", "delete"]);

/** The ids whose OS notifications close now: those a change applied in this page settles. */
export function settledIds(change: NotificationChange): readonly string[] {
  return change.phase === "pending" && SETTLING.has(change.action) ? change.ids : [];
}
