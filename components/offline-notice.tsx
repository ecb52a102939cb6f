"use client";
// What the page says about the network: offline (or the service out of reach) and when the inbox
// last synced; how many changes made here wait to be sent, or are being sent; and, for each change
// that did not apply as made once sent, what happened instead (superseded by a later change on
// another device, the item gone, or refused) — nothing made offline is dropped without a word.
import type { Notification } from "@/contracts/notification";
import { formatAbsoluteTime } from "@/lib/format/relative-time";
import { useOffline, useOfflineState } from "@/lib/hooks/use-offline";
import type { OfflineNotice as Notice } from "@/lib/offline/offline-sync";

function changes(n: number): string {
  return n === 1 ? "1 change" : `${n} changes`;
}

const ACTION_WORDS: Record<Notification["userActionState"], string> = {
  activated: "opened",
  dismissed: "dismissed",
  snoozed: "snoozed",
  noInteraction: "put back",
};

/** One sentence for a change that did not apply as made. */
export function noticeText(notice: Notice): string {
  const { outcome } = notice;
  const named = outcome.change.title ? `“${outcome.change.title}”` : undefined;
  const title = named ?? "A notification";
  if (outcome.result === "gone") return `${title} was deleted or expired before your offline change could be sent.`;
  if (outcome.result === "refused") return `Your offline change to ${named ?? "a notification"} was not accepted: ${outcome.error.message}`;
  const kept = outcome.fields.map((field) =>
    field === "readState" ? `marked ${outcome.item.readState}` : ACTION_WORDS[outcome.item.userActionState] ?? outcome.item.userActionState,
  );
  return `${title} was ${kept.join(" and ")} on another device after your offline change, so it stays that way.`;
}

export function OfflineNotice() {
  const offline = useOffline();
  const { connection, pending, replaying, lastSyncedAt, notices } = useOfflineState();
  const synced = lastSyncedAt ? `Showing your inbox as of ${formatAbsoluteTime(lastSyncedAt)}.` : "Showing your inbox as last saved on this device.";
  let status: string | undefined;
  if (connection !== "online") {
    const where = connection === "offline" ? "You're offline." : "The notifications service can't be reached.";
    const queued = pending > 0 ? ` ${changes(pending)} will be sent when you're back online.` : " Changes you make are kept and sent when you're back online.";
    status = `${where} ${synced}${queued}`;
  } else if (pending > 0 || replaying) {
    status = pending > 0 ? `Sending ${changes(pending)} made offline…` : "Sending changes made offline…";
  }
  return (
    <>
      {/* Always in the page, so a screen reader hears each change of the sentence. */}
      <div className={status ? "offline-notice" : "sr-only"} role="status" data-connection={connection}>
        {status && <p>{status}</p>}
      </div>
      {notices.length > 0 && (
        <ul className="offline-outcomes" aria-label="Changes made offline that did not apply">
          {notices.map((notice) => (
            <li key={notice.key} className="offline-outcome">
              <p>{noticeText(notice)}</p>
              <button type="button" className="btn btn-small" aria-label="OK, hide this message" onClick={() => offline?.dismissNotice(notice.key)}>
                OK
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
