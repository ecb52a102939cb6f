// The live sync of one signed-in page, composed: the stream (held by one visible tab of the browser,
// relayed to the others), its changes applied to SWR's cache in place, and delta catch-ups when the
// stream (re)connects or cannot resume, and when the page comes back (focus, online, visible) or
// hears of a change by push or from another tab. lib/hooks/use-live-sync.ts starts it.
import type { ScopedMutator } from "swr";
import type { ApiClient } from "@/lib/api/client";
import type { ChangeBus } from "@/lib/events/notification-changes";
import { UNREAD_COUNT_KEY } from "@/lib/hooks/use-unread-count";
import { createDeltaCatchUp } from "./delta-catch-up";
import { applyUnreadCount, liveChanges, type LiveFeed } from "./live-cache";
import { startLiveConnection } from "./live-connection";
import { createBatcher, type LiveMessage } from "./live-messages";
import { holdStreamWhileVisible, listenToRelay, relayEnvelope, type ChannelLike, type LockManagerLike, type VisibilityLike } from "./stream-leader";

export interface LiveSyncOptions {
  /** The signed-in user (MSAL's homeAccountId): names the lock and the channel, keys the deltaLink. */
  userKey: string;
  client: ApiClient;
  /** A token without ever redirecting to sign in; `forceRefresh` after a 401. */
  getToken: (forceRefresh: boolean) => Promise<string>;
  mutate: ScopedMutator;
  bus: ChangeBus;
  feed?: LiveFeed;
  /**
   * Runs before every delta catch-up: the changes made offline go out first, so a catch-up never shows
   * the service's state from before them (the page's optimistic state flipping back and forth).
   */
  beforeCatchUp?: () => Promise<void>;
  /** Diagnostics (e2e reads them from the console). */
  log?: (line: string) => void;
}

function documentVisibility(): VisibilityLike {
  return {
    isVisible: () => document.visibilityState === "visible",
    subscribe(onChange) {
      document.addEventListener("visibilitychange", onChange);
      // A page going into the back/forward cache keeps no stream and no lock.
      window.addEventListener("pagehide", onChange);
      window.addEventListener("pageshow", onChange);
      return () => {
        document.removeEventListener("visibilitychange", onChange);
        window.removeEventListener("pagehide", onChange);
        window.removeEventListener("pageshow", onChange);
      };
    },
  };
}

function webLocks(): LockManagerLike | undefined {
  const locks = (navigator as Navigator & { locks?: LockManagerLike }).locks;
  return locks && typeof locks.request === "function" ? (locks as LockManagerLike) : undefined;
}

export function startLiveSync(options: LiveSyncOptions): () => void {
  const { userKey, client, mutate, bus } = options;
  const feed = options.feed ?? liveChanges;
  const log = options.log ?? (() => {});
  const visibility = documentVisibility();
  /** The furthest stream position this tab has seen, from its own stream or the holder's relay. */
  let lastEventId: string | undefined;

  const delta = createDeltaCatchUp({
    userKey,
    source: client,
    onChanges(changes, { initial }) {
      feed.publish(changes);
      // Delta carries no count; a later round that changed something moves it.
      if (!initial) void mutate(UNREAD_COUNT_KEY);
    },
    onError: (error) => log(`delta catch-up failed: ${error instanceof Error ? error.message : String(error)}`),
  });
  const catchUp = (why: string) => {
    if (!visibility.isVisible()) return;
    log(`catch-up (${why})`);
    const before = options.beforeCatchUp?.().catch(() => undefined);
    void (before ? before.then(() => delta.catchUp()) : delta.catchUp());
  };

  /** A message this tab heard, from its own stream or relayed: applied to this page's cache. */
  const apply = (message: LiveMessage) => {
    if (message.type === "catchUp") return catchUp(message.reason);
    if (message.lastEventId) lastEventId = message.lastEventId;
    feed.publish(message.changes);
    if (message.unreadCount !== undefined) applyUnreadCount(mutate, message.unreadCount);
    log(`batch: ${message.changes.length} change(s)${message.unreadCount !== undefined ? `, unread ${message.unreadCount}` : ""}`);
  };

  const channel: ChannelLike | undefined = typeof BroadcastChannel === "function" ? new BroadcastChannel(`inbox-live:${userKey}`) : undefined;
  const stopRelay = channel ? listenToRelay(channel, userKey, apply) : () => {};

  /** This tab holds the stream: apply what it reads and relay it to the other tabs. */
  const lead = () => {
    log("holding the stream");
    const emit = (message: LiveMessage) => {
      apply(message);
      channel?.postMessage(relayEnvelope(userKey, message));
    };
    const batcher = createBatcher(emit);
    const connection = startLiveConnection({
      url: client.streamUrl,
      getToken: options.getToken,
      lastEventId: () => lastEventId,
      endpointId: () => client.endpointId,
      onEvent: (event) => batcher.push(event),
      onOpen: ({ reconnect }) => {
        log(reconnect ? "stream reconnected" : "stream open");
        emit({ type: "catchUp", reason: reconnect ? "reconnected" : "connected" });
      },
      onRetry: ({ attempt, delayMs, reason }) => log(`stream ${reason}; retry ${attempt + 1} in ${delayMs} ms`),
    });
    return () => {
      batcher.flush();
      connection.stop();
      log("released the stream");
    };
  };
  const stopLeading = holdStreamWhileVisible({ lockName: `inbox-live:${userKey}`, locks: webLocks(), visibility, lead });

  // Coming back: catch up with delta (never a refetch of every loaded page).
  const onFocus = () => catchUp("focus");
  const onOnline = () => catchUp("online");
  const onVisible = () => {
    if (document.visibilityState === "visible") catchUp("visible");
  };
  window.addEventListener("focus", onFocus);
  window.addEventListener("online", onOnline);
  document.addEventListener("visibilitychange", onVisible);
  // Heard of a change by push or from another tab: delta brings exactly what changed.
  const stopBus = bus.subscribe((change) => {
    if (change.phase === "remote") catchUp(`remote ${change.source}`);
  });
  // The first round establishes the deltaLink.
  catchUp("start");

  return () => {
    stopLeading();
    stopRelay();
    channel?.close();
    stopBus();
    window.removeEventListener("focus", onFocus);
    window.removeEventListener("online", onOnline);
    document.removeEventListener("visibilitychange", onVisible);
  };
}
