"use client";
// What every signed-in page shares: the landing when signed out; otherwise the API client (with
// this browser's X-Endpoint-Id), SWR, the live region, this browser's push state (synced with the
// service at start), the change bus's subscribers, the app badge, and a sign-out that unregisters this browser first.
import { useIsAuthenticated, useMsal } from "@azure/msal-react";
import type { AccountInfo } from "@azure/msal-browser";
import { useCallback, useEffect, useMemo, useState, type ReactNode } from "react";
import { SWRConfig, type SWRConfiguration } from "swr";
import { Landing } from "@/components/landing";
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
  /** Unregisters this browser (at most ~2 s), then signs out through the provider. */
  signOut: () => void;
}

/** The app icon's badge follows the unread count wherever it is known. */
function AppBadge() {
  const { count } = useUnreadCount();
  useEffect(() => {
    if (count !== undefined) void setAppBadge(count);
  }, [count]);
  return null;
}

function SignedIn({ account, client, children }: { account: AccountInfo; client: ApiClient; children: (session: Session) => ReactNode }) {
  const { msal, config } = useAuthRuntime();
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
  useLiveSync({ client, userKey: account.homeAccountId, getToken: liveToken, enabled: storeRead });
  const push = usePushController(client, account.homeAccountId);
  const session = useMemo<Session>(
    () => ({ account, signOut: () => void signOut(msal, push.unregister) }),
    [account, msal, push.unregister],
  );
  if (!storeRead) return null;
  return (
    <PushStateProvider value={push}>
      <AppBadge />
      {children(session)}
    </PushStateProvider>
  );
}

export function SignedInApp({ children }: { children: (session: Session) => ReactNode }) {
  const { msal, config } = useAuthRuntime();
  const { accounts } = useMsal();
  const signedIn = useIsAuthenticated();
  const account = signedIn ? (msal.getActiveAccount() ?? accounts[0]) : undefined;

  const client = useMemo(
    () =>
      signedIn
        ? new ApiClient({
            baseUrl: config.apiBaseUrl,
            getToken: () => getAccessToken(msal, config.scopes),
            endpointId: currentEndpointId,
          })
        : null,
    [signedIn, msal, config],
  );

  if (!account || !client) {
    return (
      <Landing
        heading="Your notifications, in one inbox"
        lead="Inbox keeps what your apps have sent you — builds, approvals, reminders — for 30 days, in sync across every device you use."
        identityProvider={config.identityProvider}
        onSignIn={() => signIn(msal, config.scopes)}
      />
    );
  }
  return (
    <ApiClientProvider client={client}>
      <SWRConfig value={swrOptions}>
        <LiveRegionProvider>
          <SignedIn account={account} client={client}>
            {children}
          </SignedIn>
        </LiveRegionProvider>
      </SWRConfig>
    </ApiClientProvider>
  );
}
