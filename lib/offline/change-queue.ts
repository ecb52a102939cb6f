// Changes made while the service cannot be reached: kept in order (IndexedDB, lib/offline/offline-db.ts)
// and replayed by the page, oldest first, each with the time it was made (X-Action-Time; mark all read
// as `before`), when the network is back. The service's conflict rule decides field by field; a field
// another endpoint changed later is kept there and named in X-Superseded-Fields. Nothing is dropped
// silently: every change ends applied, superseded, or refused — and the page says which.
import type { Notification, NotificationPatch } from "@/contracts/notification";
import { ApiError } from "@/lib/api/errors";
import { SignInRequiredError } from "@/lib/auth/token";
import type { ChangeAction } from "@/lib/events/notification-changes";

export type QueuedOp =
  | { kind: "update"; id: string; patch: NotificationPatch; action: ChangeAction }
  | { kind: "delete"; id: string }
  | { kind: "markAllRead"; groupName?: string };

export interface QueuedChange {
  /** The queue's key: the order the changes were made in. */
  seq?: number;
  /** MSAL's homeAccountId of the user who made it. */
  user: string;
  /** When the user made it (ISO 8601). */
  at: string;
  /** The item's title, to name it if the change cannot apply. */
  title?: string;
  op: QueuedOp;
}

export interface QueueStore {
  add(change: QueuedChange): Promise<number>;
  /** The user's changes, oldest first. */
  list(user: string): Promise<QueuedChange[]>;
  remove(seq: number): Promise<void>;
}

/** What the replay sends, with the time each change was made. */
export interface ReplayTarget {
  update(id: string, patch: NotificationPatch, at: string): Promise<{ item: Notification; superseded: string[] }>;
  remove(id: string, at: string): Promise<void>;
  markAllRead(groupName: string | undefined, before: string): Promise<void>;
}

export type ReplayOutcome =
  | { result: "applied"; change: QueuedChange; item?: Notification }
  /** Applied except `fields`, which another endpoint changed later: `item` is the item as it is now. */
  | { result: "superseded"; change: QueuedChange; item: Notification; fields: string[] }
  /** The item is gone (deleted or expired elsewhere): nothing to apply it to. */
  | { result: "gone"; change: QueuedChange }
  /** The service refused it for good (a 4xx): dropped, and said. */
  | { result: "refused"; change: QueuedChange; error: ApiError };

/** Whether a failure means "try again later" (no network, the service busy or away, no token yet). */
export function isTransient(error: unknown): boolean {
  if (error instanceof SignInRequiredError) return true;
  if (!(error instanceof ApiError)) return true;
  return error.status === 0 || error.status === 408 || error.status === 429 || error.status >= 500;
}

/** No response arrived at all: the device is offline or the service unreachable. */
export function isNetworkFailure(error: unknown): boolean {
  return error instanceof ApiError && error.status === 0 && error.code === "networkError";
}

async function send(target: ReplayTarget, change: QueuedChange): Promise<ReplayOutcome> {
  const { op, at } = change;
  try {
    if (op.kind === "update") {
      const { item, superseded } = await target.update(op.id, op.patch, at);
      return superseded.length > 0 ? { result: "superseded", change, item, fields: superseded } : { result: "applied", change, item };
    }
    if (op.kind === "delete") await target.remove(op.id, at);
    else await target.markAllRead(op.groupName, at);
    return { result: "applied", change };
  } catch (error) {
    if (isTransient(error)) throw error;
    const apiError = error as ApiError;
    // A delete of an item already gone did what it asked.
    if (apiError.status === 404) return op.kind === "delete" ? { result: "applied", change } : { result: "gone", change };
    return { result: "refused", change, error: apiError };
  }
}

/**
 * Replays `user`'s queue in order. Each change leaves the queue once the service has answered it; a
 * transient failure stops the replay there (that change and the later ones stay, in order) and is
 * returned. Changes queued while it runs are replayed too.
 */
export async function replayQueue(
  store: QueueStore,
  user: string,
  target: ReplayTarget,
  onOutcome: (outcome: ReplayOutcome) => void,
): Promise<{ stoppedBy?: unknown }> {
  for (;;) {
    const [next] = await store.list(user);
    if (!next) return {};
    let outcome: ReplayOutcome;
    try {
      outcome = await send(target, next);
    } catch (error) {
      return { stoppedBy: error };
    }
    if (next.seq !== undefined) await store.remove(next.seq);
    onOutcome(outcome);
  }
}

/** A memory QueueStore (tests; and a browser without IndexedDB keeps its queue for the page's life). */
export function memoryQueueStore(): QueueStore {
  let seq = 0;
  const changes: QueuedChange[] = [];
  return {
    add(change) {
      const stored = { ...change, seq: ++seq };
      changes.push(stored);
      return Promise.resolve(stored.seq);
    },
    list: (user) => Promise.resolve(changes.filter((c) => c.user === user)),
    remove(at) {
      const i = changes.findIndex((c) => c.seq === at);
      if (i >= 0) changes.splice(i, 1);
      return Promise.resolve();
    },
  };
}
