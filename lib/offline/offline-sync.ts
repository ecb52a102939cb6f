// The page's offline side, for one signed-in user: whether the service can be reached, when the inbox
// last synced, the unread count last known, and the queue of changes made while it could not be
// reached — replayed in order (lib/offline/change-queue.ts) by one tab of the browser at a time (a Web
// Lock) as soon as the network is back. React reads it through lib/hooks/use-offline.ts.
import { backoffDelay, type BackoffPolicy } from "@/lib/live/backoff";
import type { LockManagerLike } from "@/lib/live/stream-leader";
import { replayQueue, type QueuedChange, type QueuedOp, type QueueStore, type ReplayOutcome, type ReplayTarget } from "./change-queue";
import type { NotificationPage } from "@/contracts/notification";
import type { SavedPage, SyncState } from "./offline-db";

export type Connection = "online" | "offline" | "unreachable";

/** A replayed change the user must hear about: it did not apply as made. */
export interface OfflineNotice {
  key: string;
  outcome: Exclude<ReplayOutcome, { result: "applied" }>;
}

export interface OfflineState {
  /** `offline`: the device says so; `unreachable`: online, but the service (or sign-in) did not answer. */
  connection: Connection;
  /** Changes made here that the service has not had yet (this browser's, every tab's). */
  pending: number;
  replaying: boolean;
  /** When this browser last heard from the service (ISO), if ever: set when the connection is lost (shown then). */
  lastSyncedAt?: string;
  notices: readonly OfflineNotice[];
}

export interface OfflineSyncDeps {
  user: string;
  store: QueueStore;
  /** Reads and writes the per-user sync state (count, last sync time). */
  syncState: { load(user: string): Promise<SyncState | undefined>; save(state: SyncState): Promise<void> };
  /** The first page of each view as last seen. */
  pages: { load(user: string, query: string): Promise<SavedPage | undefined>; save(user: string, query: string, page: NotificationPage): Promise<void> };
  locks?: LockManagerLike;
  /** Tells the browser's other tabs that the queue changed (and hears theirs). */
  channel?: { postMessage(message: unknown): void; onmessage: ((event: MessageEvent) => void) | null; close(): void };
  /** navigator.onLine and its events. */
  network?: { isOnline(): boolean; subscribe(onChange: () => void): () => void };
  now?: () => Date;
  retry?: BackoffPolicy;
}

/** What a started replay needs: how to send, and what to do with each answer. */
export interface ReplayWiring {
  target: ReplayTarget;
  /** Puts the service's answer (or the item's removal) into the page's lists. */
  apply: (outcome: ReplayOutcome) => void;
  /** Once the queue is empty: the lists catch up with what the service has now. */
  drained: () => void;
}

export interface OfflineSync {
  getState(): OfflineState;
  subscribe(listener: () => void): () => void;
  /** A change goes to the queue when the service is out of reach, or earlier changes still wait (order). */
  shouldQueue(): boolean;
  enqueue(op: QueuedOp, title?: string): Promise<void>;
  /** Replays what waits; resolves once the queue is empty or the replay had to stop. */
  drain(): Promise<void>;
  /** Whether the last request got an answer (the API client reports every one). */
  reachable(ok: boolean): void;
  /** The unread count as last known (read by the badge when the service cannot be asked). */
  unreadCount(): Promise<number | undefined>;
  rememberUnreadCount(count: number): void;
  /** The first page of the view `query` as this browser last had it. */
  savedFirstPage(query: string): Promise<NotificationPage | undefined>;
  saveFirstPage(query: string, page: NotificationPage): void;
  dismissNotice(key: string): void;
  /** Starts following the network and replaying; returns what stops it. */
  start(wiring: ReplayWiring): () => void;
  /** Signing out: from now on nothing more is kept (a save still scheduled would outlive the clearing). */
  retire(): void;
}

const QUEUE_CHANGED = "queue-changed";
/** The last sync time is written at most this often (it changes with every answer). */
const PERSIST_EVERY_MS = 5000;
const REPLAY_RETRY: BackoffPolicy = { baseMs: 2000, capMs: 60_000 };

export function createOfflineSync(deps: OfflineSyncDeps): OfflineSync {
  const { user, store } = deps;
  const now = deps.now ?? (() => new Date());
  const network = deps.network ?? browserNetwork();
  const listeners = new Set<() => void>();
  let state: OfflineState = { connection: network.isOnline() ? "online" : "offline", pending: 0, replaying: false, notices: [] };
  let count: number | undefined;
  let wiring: ReplayWiring | undefined;
  let draining: Promise<void> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let lastPersist = 0;
  let noticeSeq = 0;
  let retired = false;

  const set = (next: Partial<OfflineState>) => {
    state = { ...state, ...next };
    for (const listener of [...listeners]) listener();
  };
  const refreshPending = async () => set({ pending: (await store.list(user).catch(() => [])).length });

  const loaded = deps.syncState.load(user).then(
    (saved) => {
      count ??= saved?.unreadCount;
      if (saved?.lastSyncedAt && !state.lastSyncedAt) set({ lastSyncedAt: saved.lastSyncedAt });
    },
    () => undefined,
  );
  void refreshPending();

  /**
   * When the service last answered. Kept outside the state while online (it changes with every answer,
   * and nothing shows it then): the state takes it when the connection changes.
   */
  let lastSynced: string | undefined;
  const persist = (force = false) => {
    if (retired) return;
    const at = now().getTime();
    if (!force && at - lastPersist < PERSIST_EVERY_MS) return;
    lastPersist = at;
    void deps.syncState.save({ user, unreadCount: count, lastSyncedAt: lastSynced ?? state.lastSyncedAt }).catch(() => undefined);
  };

  const scheduleRetry = () => {
    clearTimeout(retryTimer);
    if (!wiring || state.connection === "offline") return;
    retryTimer = setTimeout(() => void drain(), backoffDelay(attempt++, deps.retry ?? REPLAY_RETRY) + 250);
  };

  const replayOnce = async (w: ReplayWiring): Promise<void> => {
    set({ replaying: true });
    let stopped = false;
    try {
      const result = await replayQueue(store, user, w.target, (outcome) => {
        void refreshPending();
        w.apply(outcome);
        if (outcome.result !== "applied") set({ notices: [...state.notices, { key: `n${++noticeSeq}`, outcome }] });
      });
      stopped = "stoppedBy" in result;
    } finally {
      set({ replaying: false });
      await refreshPending();
      deps.channel?.postMessage(QUEUE_CHANGED);
    }
    if (stopped) scheduleRetry();
    else {
      attempt = 0;
      w.drained();
    }
  };

  function drain(): Promise<void> {
    const w = wiring;
    if (!w || state.connection === "offline") return Promise.resolve();
    draining ??= (async () => {
      try {
        if ((await store.list(user)).length === 0) return;
        // One tab of the browser replays; the others wait, then find the queue empty.
        if (deps.locks) await deps.locks.request(`inbox-offline-queue:${user}`, {}, () => replayOnce(w));
        else await replayOnce(w);
      } catch {
        scheduleRetry();
      } finally {
        draining = undefined;
      }
    })();
    return draining;
  }

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    shouldQueue: () => state.connection !== "online" || state.pending > 0,
    async enqueue(op, title) {
      const change: QueuedChange = { user, at: now().toISOString(), op, ...(title ? { title } : {}) };
      await store.add(change);
      await refreshPending();
      deps.channel?.postMessage(QUEUE_CHANGED);
      // Queued behind earlier changes while online: send it in its turn.
      if (state.connection === "online") void drain();
    },
    drain,
    reachable(ok) {
      if (ok) {
        lastSynced = now().toISOString();
        const was = state.connection;
        if (was !== "online") set({ connection: "online", lastSyncedAt: lastSynced });
        persist(was !== "online");
        if (was !== "online" && state.pending > 0) void drain();
      } else if (state.connection === "online") {
        set({ connection: network.isOnline() ? "unreachable" : "offline", lastSyncedAt: lastSynced ?? state.lastSyncedAt });
        persist(true);
      }
    },
    async unreadCount() {
      await loaded;
      return count;
    },
    rememberUnreadCount(value) {
      if (count === value) return;
      count = value;
      persist(true);
    },
    async savedFirstPage(query) {
      return (await deps.pages.load(user, query).catch(() => undefined))?.page;
    },
    saveFirstPage(query, page) {
      if (retired) return;
      void deps.pages.save(user, query, page).catch(() => undefined);
    },
    retire() {
      retired = true;
      wiring = undefined;
      clearTimeout(retryTimer);
    },
    dismissNotice(key) {
      set({ notices: state.notices.filter((n) => n.key !== key) });
    },
    start(w) {
      wiring = w;
      const stopNetwork = network.subscribe(() => {
        if (!network.isOnline()) set({ connection: "offline", lastSyncedAt: lastSynced ?? state.lastSyncedAt });
        else {
          // Back online: whether the service answers is known from the replay and the next requests.
          set({ connection: "online" });
          void drain();
        }
      });
      if (deps.channel) deps.channel.onmessage = (event) => event.data === QUEUE_CHANGED && void refreshPending();
      void loaded.then(() => drain());
      return () => {
        wiring = undefined;
        clearTimeout(retryTimer);
        stopNetwork();
        if (deps.channel) deps.channel.onmessage = null;
      };
    },
  };
}

function browserNetwork(): { isOnline(): boolean; subscribe(onChange: () => void): () => void } {
  return {
    isOnline: () => typeof navigator === "undefined" || navigator.onLine !== false,
    subscribe(onChange) {
      window.addEventListener("online", onChange);
      window.addEventListener("offline", onChange);
      return () => {
        window.removeEventListener("online", onChange);
        window.removeEventListener("offline", onChange);
      };
    },
  };
}
