"use client";
import { useRouter } from "next/navigation";
import { useCallback, useEffect } from "react";
import { AccessVisits } from "@/components/access-visits";
import { AppHeader } from "@/components/app-header";
import { AuthBoundary } from "@/components/auth-boundary";
import { EndpointList } from "@/components/endpoint-list";
import { InstallControl } from "@/components/install-control";
import { useAnnounce } from "@/components/live-region";
import { NotificationToast } from "@/components/notification-toast";
import { PushControl } from "@/components/push-control";
import { SignedInApp, type Session } from "@/components/signed-in-app";
import type { Endpoint } from "@/contracts/endpoint";
import { useEndpoints } from "@/lib/hooks/use-endpoints";
import { useMyAccessLog } from "@/lib/hooks/use-my-access-log";
import { usePushState } from "@/lib/hooks/use-push-state";
import { useUnreadCount } from "@/lib/hooks/use-unread-count";
import { useArrivedToast } from "@/lib/hooks/use-arrived-toast";
import { useDocumentTitle } from "@/lib/hooks/use-document-title";
import { useShownNotificationSync } from "@/lib/hooks/use-shown-notification-sync";
import { endpointName } from "@/lib/push/endpoint-display";
import { OPEN_PARAM } from "@/contracts/push-payload";
import { SkipLink } from "@/components/skip-link";

function Settings({ session }: { session: Session }) {
  const { account } = session;
  const router = useRouter();
  const announce = useAnnounce();
  const unread = useUnreadCount();
  const devices = useEndpoints();
  const push = usePushState();
  const accessLog = useMyAccessLog();
  const arrived = useArrivedToast();
  // App open on this page: close OS notifications of items settled elsewhere.
  useShownNotificationSync();
  useDocumentTitle("Settings · Inbox");

  // The list shows this device once its registration settled (on, off or removed).
  const { reload: reloadDevices } = devices;
  useEffect(() => {
    if (push.state !== "checking" && !push.busy) void reloadDevices();
  }, [push.state, push.busy, push.endpointId, reloadDevices]);

  const remove = useCallback(
    async (endpoint: Endpoint) => {
      const name = endpointName(endpoint);
      if (endpoint.id === push.endpointId) {
        // This browser: unsubscribe too, or its push service would keep a dead subscription.
        await push.forgetThisBrowser();
        await reloadDevices();
      } else {
        await devices.remove(endpoint);
      }
      announce(`Removed ${name}. It no longer gets notifications.`);
      // The row and its buttons are gone: keep keyboard focus in the section.
      requestAnimationFrame(() => document.getElementById("devices-heading")?.focus());
    },
    [push, devices, reloadDevices, announce],
  );

  return (
    <>
      <SkipLink to="main">Skip to settings</SkipLink>
      <AppHeader
        name={account.name ?? account.username}
        upn={account.username}
        unreadCount={unread.count}
        onSignOut={session.signOut}
        current="settings"
      />
      <main className="shell settings" id="main" tabIndex={-1}>
        <h1 className="settings-title">Settings</h1>
        <section aria-labelledby="this-device-heading" className="settings-section">
          <h2 id="this-device-heading">Notifications on this device</h2>
          <PushControl />
        </section>
        <section aria-labelledby="install-heading" className="settings-section">
          <h2 id="install-heading">Install the app</h2>
          <InstallControl />
        </section>
        <section aria-labelledby="devices-heading" className="settings-section">
          <h2 id="devices-heading" tabIndex={-1}>
            Your devices
          </h2>
          <p className="settings-lead">Every browser where you use Inbox. Notifications go to the ones with push notifications on.</p>
          <EndpointList
            endpoints={devices.endpoints}
            error={devices.error}
            isLoading={devices.isLoading}
            thisEndpointId={push.endpointId}
            onRetry={() => void reloadDevices()}
            onRemove={remove}
          />
        </section>
        <section aria-labelledby="access-log-heading" className="settings-section">
          <h2 id="access-log-heading">Who looked at my inbox</h2>
          <p className="settings-lead">When someone from support looks at your notifications or devices to help you, it is listed here with the reason they gave.</p>
          <AccessVisits
            label="Support visits to your inbox"
            visits={accessLog.visits}
            error={accessLog.error}
            isLoading={accessLog.isLoading}
            empty={<p>No one from support has looked at your inbox.</p>}
            hasMore={accessLog.hasMore}
            isLoadingMore={accessLog.isLoadingMore}
            onLoadMore={() => void accessLog.loadMore()}
            onRetry={() => void accessLog.reload()}
          />
        </section>
      </main>
      <NotificationToast
        notification={arrived.arrived}
        onOpen={(id) => router.push(`/?${OPEN_PARAM}=${encodeURIComponent(id)}`)}
        onClose={arrived.dismiss}
      />
    </>
  );
}

export function SettingsPageClient() {
  return (
    <AuthBoundary>
      <SignedInApp>{(session) => <Settings session={session} />}</SignedInApp>
    </AuthBoundary>
  );
}
