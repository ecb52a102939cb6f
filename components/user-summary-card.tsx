"use client";
// Support: a user at a glance — last seen, unread, devices, the latest push — and the reason given
// for this visit, which can be changed.
import type { UserSummary } from "@/contracts/support";
import { formatAbsoluteTime } from "@/lib/format/relative-time";
import { pushStatusText } from "@/lib/support/delivery-words";
import { RelativeTime } from "./relative-time";

const RESULT_WORDS: Partial<Record<string, string>> = {
  queued: "waiting to be sent",
  sent: "sent",
  retrying: "being retried",
  failed: "failed",
  skipped: "not sent",
  subscriptionRemoved: "refused: the device was removed",
  received: "received by the device",
  shown: "shown on the device",
};

export function UserSummaryCard({ summary, reason, onChangeReason }: { summary: UserSummary | undefined; reason: string; onChangeReason: () => void }) {
  const last = summary?.lastDelivery;
  return (
    <div className="summary-card">
      {summary ? (
        <dl className="summary-facts">
          <div>
            <dt>Last used the app</dt>
            <dd>{summary.lastSeenDateTime ? <RelativeTime iso={summary.lastSeenDateTime} /> : "Never"}</dd>
          </div>
          <div>
            <dt>Unread</dt>
            <dd>{summary.unreadCount}</dd>
          </div>
          <div>
            <dt>Devices with notifications</dt>
            <dd>{summary.activeEndpoints}</dd>
          </div>
          <div>
            <dt>Latest push</dt>
            <dd>
              {last ? (
                <>
                  <time dateTime={last.dateTime} title={formatAbsoluteTime(last.dateTime)}>
                    <RelativeTime iso={last.dateTime} />
                  </time>
                  {` to ${last.deviceName ?? "a device"}: ${RESULT_WORDS[last.result] ?? last.result}`}
                  {last.statusCode !== null && (last.statusCode < 200 || last.statusCode >= 300) ? ` (${pushStatusText(last.statusCode)})` : ""}
                </>
              ) : (
                "None on record"
              )}
            </dd>
          </div>
        </dl>
      ) : (
        <p role="status">Loading the summary…</p>
      )}
      <div className="summary-reason">
        <p>
          <span className="summary-reason-label">Reason for this visit:</span> <q className="access-reason">{reason}</q>
        </p>
        <button type="button" className="btn btn-small" onClick={onChangeReason}>
          Change reason
        </button>
      </div>
    </div>
  );
}
