// One live stream per browser, not per tab: the visible tab that holds a Web Lock runs it and relays
// what it reads to the other tabs over a BroadcastChannel. A tab asks for the lock only while it is
// visible and gives it up when hidden or closed (the browser releases a closed tab's locks), so a
// visible tab waiting on the lock takes over; with no visible tab nobody holds it and no stream runs.
// Without Web Locks every visible tab holds its own stream.
import type { LiveChange, LiveMessage } from "./live-messages";
import { isNotification } from "./live-messages";

/** The part of `navigator.locks` used here (fakes implement it in tests). */
export interface LockManagerLike {
  request(name: string, options: { signal?: AbortSignal }, callback: (lock: unknown) => Promise<void>): Promise<unknown>;
}

export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  close(): void;
}

export interface VisibilityLike {
  isVisible(): boolean;
  /** Calls back on every change; returns the unsubscribe function. */
  subscribe(onChange: () => void): () => void;
}

export interface LeadershipOptions {
  lockName: string;
  /** undefined: no Web Locks (every visible tab leads). */
  locks: LockManagerLike | undefined;
  visibility: VisibilityLike;
  /** Starts the stream in this tab; returns what stops it. */
  lead: () => () => void;
}

/** Runs `lead` in this tab whenever it is the visible lock holder; returns what ends it all. */
export function holdStreamWhileVisible(options: LeadershipOptions): () => void {
  const { locks, visibility } = options;
  let disposed = false;
  /** Stops this tab's stream and lets the lock go. */
  let resign: (() => void) | undefined;
  /** Stops waiting for the lock. */
  let waiting: AbortController | undefined;

  function seek(): void {
    if (disposed || resign || waiting || !visibility.isVisible()) return;
    if (!locks) {
      resign = options.lead();
      return;
    }
    const wait = new AbortController();
    waiting = wait;
    locks
      .request(options.lockName, { signal: wait.signal }, () => {
        if (waiting === wait) waiting = undefined;
        // Granted after this tab was hidden or disposed (the abort came too late): let it go at once.
        if (disposed || wait.signal.aborted || !visibility.isVisible()) return Promise.resolve();
        return new Promise<void>((release) => {
          const stop = options.lead();
          resign = () => {
            resign = undefined;
            stop();
            release();
          };
        });
      })
      // AbortError: this tab was hidden while it waited.
      .catch(() => undefined)
      .finally(() => {
        if (waiting === wait) waiting = undefined;
      });
  }

  function step(): void {
    if (visibility.isVisible()) return seek();
    resign?.();
    waiting?.abort();
    waiting = undefined;
  }

  const unsubscribe = visibility.subscribe(step);
  seek();
  return () => {
    disposed = true;
    unsubscribe();
    resign?.();
    waiting?.abort();
    waiting = undefined;
  };
}

/** What one tab sends the others: a message for one user (a tab signed in as someone else ignores it). */
export interface RelayEnvelope {
  v: 1;
  user: string;
  message: LiveMessage;
}

export function relayEnvelope(user: string, message: LiveMessage): RelayEnvelope {
  return { v: 1, user, message };
}

function isChange(value: unknown): value is LiveChange {
  if (!value || typeof value !== "object") return false;
  const c = value as Record<string, unknown>;
  if (c.kind === "removed") return typeof c.id === "string";
  return c.kind === "changed" && isNotification(c.item);
}

/** A relayed message for `user`, checked; undefined for anything else (another user, another version). */
export function parseRelayMessage(data: unknown, user: string): LiveMessage | undefined {
  if (!data || typeof data !== "object") return undefined;
  const envelope = data as Partial<RelayEnvelope>;
  if (envelope.v !== 1 || envelope.user !== user) return undefined;
  const message = envelope.message as Record<string, unknown> | undefined;
  if (!message) return undefined;
  if (message.type === "catchUp") {
    const reason = message.reason;
    return reason === "connected" || reason === "reconnected" || reason === "resync" ? { type: "catchUp", reason } : undefined;
  }
  if (message.type !== "batch" || !Array.isArray(message.changes) || !message.changes.every(isChange)) return undefined;
  const count = message.unreadCount;
  if (count !== undefined && (typeof count !== "number" || !Number.isInteger(count) || count < 0)) return undefined;
  const lastEventId = message.lastEventId;
  if (lastEventId !== undefined && typeof lastEventId !== "string") return undefined;
  return {
    type: "batch",
    changes: message.changes,
    ...(count !== undefined ? { unreadCount: count } : {}),
    ...(lastEventId !== undefined ? { lastEventId } : {}),
  };
}

/** Listens for the stream holder's messages for `user`; returns the unsubscribe function. */
export function listenToRelay(channel: ChannelLike, user: string, onMessage: (message: LiveMessage) => void): () => void {
  const listener = (event: { data: unknown }) => {
    const message = parseRelayMessage(event.data, user);
    if (message) onMessage(message);
  };
  channel.addEventListener("message", listener);
  return () => channel.removeEventListener("message", listener);
}
