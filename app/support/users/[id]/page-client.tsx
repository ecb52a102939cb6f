"use client";
import Link from "next/link";
import { useMemo, useState } from "react";
import { AccessVisits } from "@/components/access-visits";
import { AuthBoundary } from "@/components/auth-boundary";
import { ErrorState } from "@/components/error-state";
import { SignedInApp, type Session } from "@/components/signed-in-app";
import { SupportDeviceList } from "@/components/support-device-list";
import { SupportFrame, isForbidden } from "@/components/support-frame";
import { SupportInbox } from "@/components/support-inbox";
import { SupportOnlyState } from "@/components/support-only-state";
import { SupportReasonForm } from "@/components/support-reason-form";
import { UserSummaryCard } from "@/components/user-summary-card";
import { ApiError } from "@/lib/api/errors";
import { useDocumentTitle } from "@/lib/hooks/use-document-title";
import { useSupportInboxFilters } from "@/lib/hooks/use-support-inbox-filters";
import { useSupportReason } from "@/lib/hooks/use-support-reason";
import { useUserAccessLog } from "@/lib/hooks/use-user-access-log";
import { useUserEndpoints } from "@/lib/hooks/use-user-endpoints";
import { useUserNotifications } from "@/lib/hooks/use-user-notifications";
import { useUserSummary } from "@/lib/hooks/use-user-summary";
import { recallUser, userLabel } from "@/lib/support/known-users";

/** The service refused the reason (400 on a read that carried one). */
function reasonRefused(error: unknown): string | undefined {
  return error instanceof ApiError && error.status === 400 ? error.message : undefined;
}

function SupportUser({ userId }: { userId: string }) {
  const known = useMemo(() => recallUser(userId), [userId]);
  const { reason, setReason } = useSupportReason(userId);
  const [editingReason, setEditingReason] = useState(false);
  const summary = useUserSummary(userId, editingReason ? undefined : reason);
  const { filters, setFilters } = useSupportInboxFilters(userId);
  const inbox = useUserNotifications(userId, filters, editingReason ? undefined : reason);
  const devices = useUserEndpoints(userId, editingReason ? undefined : reason);
  const access = useUserAccessLog(userId, Boolean(reason) && !editingReason);
  const name = userLabel(summary.summary ?? known);
  useDocumentTitle(`${name} · Support · Inbox`);

  const back = (
    <Link href="/support" className="back-link">
      <span aria-hidden="true">←</span> Find another user
    </Link>
  );
  const refused = reasonRefused(summary.error);

  if (isForbidden(summary.error)) return <SupportOnlyState />;
  if (!reason || editingReason || refused) {
    return (
      <>
        {back}
        <h1 className="settings-title">{name}</h1>
        {known?.userPrincipalName && <p className="settings-lead">{known.userPrincipalName}</p>}
        <SupportReasonForm
          key={refused ?? "ask"}
          name={name}
          initialReason={reason}
          serviceError={refused}
          onSubmit={(r) => {
            setReason(r);
            setEditingReason(false);
          }}
          onCancel={reason && !refused ? () => setEditingReason(false) : undefined}
        />
      </>
    );
  }
  if (summary.error instanceof ApiError && summary.error.status === 404) {
    return (
      <>
        {back}
        <div className="state">
          <h1 className="settings-title">No such user</h1>
          <p>The service has never seen this user in your organization. Search again by name or email address.</p>
        </div>
      </>
    );
  }

  return (
    <>
      {back}
      <h1 className="settings-title">{name}</h1>
      {(summary.summary?.userPrincipalName ?? known?.userPrincipalName) && (
        <p className="settings-lead">{summary.summary?.userPrincipalName ?? known?.userPrincipalName}</p>
      )}
      {summary.error ? (
        <ErrorState title="The summary could not be loaded" error={summary.error} onRetry={summary.reload} />
      ) : (
        <UserSummaryCard summary={summary.summary} reason={reason} onChangeReason={() => setEditingReason(true)} />
      )}
      <nav aria-label="On this page" className="page-nav">
        <a href="#inbox-heading">Inbox</a>
        <a href="#devices-heading">Devices</a>
        <a href="#access-heading">Access history</a>
      </nav>
      <section aria-labelledby="inbox-heading" className="settings-section">
        <h2 id="inbox-heading" tabIndex={-1}>
          Inbox <span className="heading-note">(read-only)</span>
        </h2>
        <p className="settings-lead">Every notification {name} has, in every state. Open one to see how it was delivered.</p>
        <SupportInbox
          userId={userId}
          name={name}
          filters={filters}
          onFiltersChange={setFilters}
          items={inbox.items}
          groups={inbox.groups}
          error={inbox.error}
          isLoading={inbox.isLoading}
          hasMore={inbox.hasMore}
          isLoadingMore={inbox.isLoadingMore}
          onLoadMore={() => void inbox.loadMore()}
          onRetry={() => void inbox.reload()}
        />
      </section>
      <section aria-labelledby="devices-heading" className="settings-section">
        <h2 id="devices-heading" tabIndex={-1}>
          Devices
        </h2>
        <p className="settings-lead">The browsers where {name} uses Inbox. Removed devices are not listed here; a notification&apos;s timeline still shows them.</p>
        <SupportDeviceList name={name} endpoints={devices.endpoints} error={devices.error} isLoading={devices.isLoading} onRetry={() => void devices.reload()} />
      </section>
      <section aria-labelledby="access-heading" className="settings-section">
        <h2 id="access-heading" tabIndex={-1}>
          Access history
        </h2>
        <p className="settings-lead">Who from support looked at {name}&apos;s data, and why. {name} sees the same list under Settings.</p>
        <AccessVisits
          label={`Support access to ${name}'s data`}
          visits={access.visits}
          error={access.error}
          isLoading={access.isLoading}
          empty={<p>No one from support has looked at {name}&apos;s data.</p>}
          onRetry={() => void access.reload()}
        />
      </section>
    </>
  );
}

function SupportUserPage({ session, userId }: { session: Session; userId: string }) {
  return (
    <SupportFrame session={session}>
      <SupportUser userId={userId} />
    </SupportFrame>
  );
}

export function SupportUserPageClient({ userId }: { userId: string }) {
  return (
    <AuthBoundary>
      <SignedInApp>{(session) => <SupportUserPage session={session} userId={userId} />}</SignedInApp>
    </AuthBoundary>
  );
}
