"use client";
// What every signed-in page shares: the landing when signed out; otherwise the API client (with
// this browser's X-Endpoint-Id), SWR, the live region, this browser's push state (synced with the
// service at start), the change bus's subscribers, the app badge, and a sign-out that unregisters this browser first.
import { useIsAuthenticated, useMsal } from "@azure/msal-react";
import type { AccountInfo } from "@azure/msal-browser";
import dynamic from "next/dynamic";
import { useCallback, useEffect, useMemo, useState, type ReactNode } from "react";
import { SWRConfig, type SWRConfiguration } from "swr";
import { AppShellSkeleton } from "@/components/app-shell-skeleton";
import { INBOX_LANDING, Landing } from "@/components/landing";
import { LiveRegionProvider } from "@/components/live-region";
import { ApiClientProvider } from "@/lib/api/api-client-context";
import { ApiClient } from "@/lib/api/client";
import { ApiError } from "@/lib/api/errors";
import { useAuthRuntime } from "@/lib/auth/auth-runtime-context";
import { getAccessToken, signIn, signOut } from "@/lib/auth/token";
import { useChangeSubscribers } from "@/lib/hooks/use-change-subscribers";
import { useLiveSync } from "@/lib/hooks/use-live-sync";
import { PushStateProvider, usePushController } from "@/lib/hooks/use-push-state";
import { useUnreadCount } from "@/lib/hooks/use-unread-count";
import { currentEndpointId, idbEndpointStore } from "@/lib/push/push-store";
import { setAppBadge } from "@/lib/push/reconcile";
import { OfflineContext } from "@/lib/hooks/use-offline";
import { notificationChanges } from "@/lib/events/notification-changes";
import { liveChanges } from "@/lib/live/live-cache";
import type { LockManagerLike } from "@/lib/live/stream-leader";
import { clearOfflineData, idbQueueStore, loadFirstPage, loadSyncState, saveFirstPage, saveSyncState } from "@/lib/offline/offline-db";
import { createOfflineSync, type OfflineSync } from "@/lib/offline/offline-sync";
import type { ReplayOutcome } from "@/lib/offline/change-queue";
import { ShortcutsHelp } from "./shortcuts-help";

// Asked only when signing out with offline changes unsent: its code loads then.
const SignOutDialog = dynamic(() => import("./sign-out-dialog").then((m) => m.SignOutDialog), { ssr: false });

const swrOptions: SWRConfiguration = {
  // A 4xx will not change by asking again; 429/503 were already retried by the client.
  onErrorRetry: (error, _key, _config, revalidate, { retryCount }) => {
    if (error instanceof ApiError && error.status >= 400 && error.status < 500) return;
    if (!(error instanceof ApiError) || retryCount >= 3) return;
    setTimeout(() => revalidate({ retryCount }), 2000 * 2 ** retryCount);
  },
};

export interface Session {
  account: AccountInfo;
  /**
   * Unregisters this browser (at most ~2 s), forgets what it kept offline, then signs out through the
   * provider; with changes made offline still unsent, asks first.
   */
  signOut: () => void;
}

function webLocks(): LockManagerLike | undefined {
  const locks = (navigator as Navigator & { locks?: LockManagerLike }).locks;
  return locks && typeof locks.request === "function" ? locks : undefined;
}

function newOfflineSync(user: string): OfflineSync {
  return createOfflineSync({
    user,
    store: idbQueueStore,
    syncState: { load: loadSyncState, save: saveSyncState },
    pages: { load: loadFirstPage, save: saveFirstPage },
    locks: webLocks(),
    channel: typeof BroadcastChannel === "function" ? new BroadcastChannel(`inbox-offline:${user}`) : undefined,
  });
}

/** A replayed change's answer, in every list of the page (the live feed's own shapes). */
function applyReplayed(outcome: ReplayOutcome): void {
  if (outcome.result === "gone") liveChanges.publish([{ kind: "removed", id: (outcome.change.op as { id: string }).id }]);
  else if ("item" in outcome && outcome.item) liveChanges.publish([{ kind: "changed", item: outcome.item }]);
}

/** The app icon's badge follows the unread count wherever it is known. */
function AppBadge() {
  const { count } = useUnreadCount();
  useEffect(() => {
    if (count !== undefined) void setAppBadge(count);
  }, [count]);
  return null;
}

function SignedIn({
  account,
  client,
  offline,
  children,
}: {
  account: AccountInfo;
  client: ApiClient;
  offline: OfflineSync;
  children: (session: Session) => ReactNode;
}) {
  const { msal, config } = useAuthRuntime();
  // Changes made offline go out in order as soon as the service answers; their answers go into the lists.
  useEffect(
    () =>
      offline.start({
        target: {
          update: (id, patch, at) => client.replayUpdate(id, patch, at),
          remove: (id, at) => client.deleteNotification(id, at),
          markAllRead: async (groupName, before) => void (await client.markAllAsRead({ ...(groupName ? { groupName } : {}), before })),
        },
        apply: applyReplayed,
        // What was refused or superseded is put right by what the service has now.
        drained: () => notificationChanges.publish({ phase: "remote", source: "tab", reason: "changed" }),
      }),
    [client, offline],
  );
  // Every change heard live means the inbox is in sync now.
  useEffect(() => liveChanges.subscribe(() => offline.reachable(true)), [offline]);
  // The stored endpoint id is read (a few ms of IndexedDB) before the first request, so even that
  // one carries X-Endpoint-Id.
  const [storeRead, setStoreRead] = useState(false);
  useEffect(() => {
    let live = true;
    // Bounded: a blocked IndexedDB open must not keep the app from rendering.
    const timer = setTimeout(() => live && setStoreRead(true), 1000);
    void idbEndpointStore.load().finally(() => {
      clearTimeout(timer);
      if (live) setStoreRead(true);
    });
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, []);
  // The count, the OS notifications and the other tabs follow every change from here on.
  useChangeSubscribers();
  // One live stream per browser while a tab is visible; the lists and the badge follow it in place.
  const liveToken = useCallback(
    (forceRefresh: boolean) => getAccessToken(msal, config.scopes, { forceRefresh, interactive: false }),
    [msal, config.scopes],
  );
  useLiveSync({ client, userKey: account.homeAccountId, getToken: liveToken, enabled: storeRead, beforeCatchUp: offline.drain });
  const push = usePushController(client, account.homeAccountId);
  const [askingSignOut, setAskingSignOut] = useState(false);
  const unregister = push.unregister;
  const signOutNow = useCallback(() => {
    offline.retire();
    void signOut(msal, async () => {
      // What this browser kept of the inbox (pages, count, queued changes) goes first: it takes milliseconds.
      await clearOfflineData(account.homeAccountId).catch(() => undefined);
      await unregister();
    });
  }, [account.homeAccountId, msal, offline, unregister]);
  const session = useMemo<Session>(
    () => ({ account, signOut: () => (offline.getState().pending > 0 ? setAskingSignOut(true) : signOutNow()) }),
    [account, offline, signOutNow],
  );
  if (!storeRead) return <AppShellSkeleton />;
  return (
    <OfflineContext.Provider value={offline}>
      <PushStateProvider value={push}>
        <AppBadge />
        <ShortcutsHelp />
        {children(session)}
        {askingSignOut && <SignOutDialog onSignOut={signOutNow} onCancel={() => setAskingSignOut(false)} />}
      </PushStateProvider>
    </OfflineContext.Provider>
  );
}

export function SignedInApp({ children }: { children: (session: Session) => ReactNode }) {
  const { msal, config } = useAuthRuntime();
  const { accounts } = useMsal();
  const signedIn = useIsAuthenticated();
  const account = signedIn ? (msal.getActiveAccount() ?? accounts[0]) : undefined;
  const user = account?.homeAccountId;
  const offline = useMemo(() => (user ? newOfflineSync(user) : null), [user]);

  const client = useMemo(
    () =>
      signedIn
        ? new ApiClient({
            baseUrl: config.apiBaseUrl,
            getToken: () => getAccessToken(msal, config.scopes),
            endpointId: currentEndpointId,
            onReachability: (ok) => offline?.reachable(ok),
          })
        : null,
    [signedIn, msal, config, offline],
  );

  if (!account || !client || !offline) {
    return (
      <Landing
        {...INBOX_LANDING}
        identityProvider={config.identityProvider}
        onSignIn={() => signIn(msal, config.scopes)}
      />
    );
  }
  return (
    <ApiClientProvider client={client}>
      <SWRConfig value={swrOptions}>
        <LiveRegionProvider>
          <SignedIn account={account} client={client} offline={offline}>
            {children}
          </SignedIn>
        </LiveRegionProvider>
      </SWRConfig>
    </ApiClientProvider>
  );
}
