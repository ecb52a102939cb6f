"use client";
import Link from "next/link";
import { useEffect, useMemo, useRef, useState } from "react";
import { AuthBoundary } from "@/components/auth-boundary";
import { DeliveryTimeline } from "@/components/delivery-timeline";
import { ErrorState } from "@/components/error-state";
import { NotificationStateTags } from "@/components/notification-state-tags";
import { SignedInApp, type Session } from "@/components/signed-in-app";
import { SupportFrame, isForbidden } from "@/components/support-frame";
import { SupportOnlyState } from "@/components/support-only-state";
import { SupportReasonForm } from "@/components/support-reason-form";
import { ApiError } from "@/lib/api/errors";
import { formatAbsoluteTime } from "@/lib/format/relative-time";
import { notificationTitle } from "@/lib/format/notification-title";
import { useDeliveryTimeline } from "@/lib/hooks/use-delivery-timeline";
import { useDocumentTitle } from "@/lib/hooks/use-document-title";
import { useSupportReason } from "@/lib/hooks/use-support-reason";
import { recallUser, userLabel } from "@/lib/support/known-users";

function NotificationTimeline({ userId, notificationId }: { userId: string; notificationId: string }) {
  const known = useMemo(() => recallUser(userId), [userId]);
  const name = userLabel(known);
  const { reason, setReason } = useSupportReason(userId);
  const [editingReason, setEditingReason] = useState(false);
  const data = useDeliveryTimeline(userId, notificationId, editingReason ? undefined : reason);
  const title = data.notification ? notificationTitle(data.notification) : "Notification";
  useDocumentTitle(`${title} · Delivery timeline · Inbox`);

  // Opening a notification lands on its timeline: keyboard and screen-reader users start there.
  const heading = useRef<HTMLHeadingElement>(null);
  const ready = Boolean(data.timeline && data.verdict !== undefined);
  useEffect(() => {
    if (ready) heading.current?.focus();
  }, [ready]);

  const back = (
    <Link href={`/support/users/${encodeURIComponent(userId)}`} className="back-link">
      <span aria-hidden="true">←</span> {name === "this user" ? "Back to the user" : `${name}'s inbox`}
    </Link>
  );

  const refused = data.error instanceof ApiError && data.error.status === 400 ? data.error.message : undefined;
  if (isForbidden(data.error)) return <SupportOnlyState />;
  if (!reason || editingReason || refused) {
    return (
      <>
        {back}
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
  if (data.error instanceof ApiError && data.error.status === 404) {
    return (
      <>
        {back}
        <div className="state">
          <h1 className="settings-title">Notification not found</h1>
          <p>It may have expired and been removed, or it belongs to someone else.</p>
        </div>
      </>
    );
  }

  const item = data.notification;
  return (
    <>
      {back}
      <article className="support-notification" aria-labelledby="notification-title">
        <h1 id="notification-title" className="settings-title">
          {item ? title : "Loading the notification…"}
        </h1>
        {item?.payload.visualContent?.body && <p className="dialog-body">{item.payload.visualContent.body}</p>}
        {item && (
          <>
            <div className="meta">
              <NotificationStateTags item={item} />
            </div>
            <dl className="endpoint-facts notification-facts">
              <dt>From</dt>
              <dd>{item.targetHostName}</dd>
              <dt>Sent</dt>
              <dd>
                <time dateTime={item.createdDateTime}>{formatAbsoluteTime(item.createdDateTime)}</time>
              </dd>
              <dt>Expires</dt>
              <dd>
                <time dateTime={item.expirationDateTime}>{formatAbsoluteTime(item.expirationDateTime)}</time>
              </dd>
              <dt>Delivered to</dt>
              <dd>{item.targetPolicy.platformTypes.includes("webPush") ? "Every device (web push allowed)" : `Only ${item.targetPolicy.platformTypes.join(", ")} (not web push)`}</dd>
            </dl>
          </>
        )}
      </article>
      <section aria-labelledby="timeline-heading" className="settings-section">
        <h2 id="timeline-heading" ref={heading} tabIndex={-1}>
          Delivery timeline
        </h2>
        {data.error ? (
          <ErrorState title="The delivery record could not be loaded" error={data.error} onRetry={data.reload} />
        ) : data.timeline && data.verdict !== undefined ? (
          <DeliveryTimeline timeline={data.timeline} verdict={data.verdict} />
        ) : (
          <p className="state" role="status">
            Loading the delivery record…
          </p>
        )}
        <p className="summary-reason">
          <span>
            <span className="summary-reason-label">Reason for this visit:</span> <q className="access-reason">{reason}</q>
          </span>
          <button type="button" className="btn btn-small" onClick={() => setEditingReason(true)}>
            Change reason
          </button>
        </p>
      </section>
    </>
  );
}

function SupportTimelinePage({ session, userId, notificationId }: { session: Session; userId: string; notificationId: string }) {
  return (
    <SupportFrame session={session}>
      <NotificationTimeline userId={userId} notificationId={notificationId} />
    </SupportFrame>
  );
}

export function SupportTimelinePageClient({ userId, notificationId }: { userId: string; notificationId: string }) {
  return (
    <AuthBoundary>
      <SignedInApp>{(session) => <SupportTimelinePage session={session} userId={userId} notificationId={notificationId} />}</SignedInApp>
    </AuthBoundary>
  );
}
