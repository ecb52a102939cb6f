"use client";
// Support's read-only view of a user's inbox: filters over every state (tombstones included), each
// item a link to its delivery timeline. No actions: nothing here changes the user's data.
import Link from "next/link";
import { useId } from "react";
import type { Notification } from "@/contracts/notification";
import type { SupportInboxFilters, SupportStateFilter } from "@/lib/api/query";
import { notificationTitle } from "@/lib/format/notification-title";
import { ErrorState } from "./error-state";
import { GroupSelect } from "./group-select";
import { ListSkeleton } from "./list-skeleton";
import { NotificationStateTags } from "./notification-state-tags";
import { RelativeTime } from "./relative-time";
import { SearchBox } from "./search-box";

const STATES: { value: SupportStateFilter; label: string }[] = [
  { value: "all", label: "All (not deleted)" },
  { value: "unread", label: "Unread" },
  { value: "read", label: "Read" },
  { value: "noInteraction", label: "Not interacted with" },
  { value: "activated", label: "Opened" },
  { value: "dismissed", label: "Dismissed" },
  { value: "snoozed", label: "Snoozed" },
  { value: "deleted", label: "Deleted" },
];

interface SupportInboxProps {
  userId: string;
  name: string;
  filters: SupportInboxFilters;
  onFiltersChange: (filters: SupportInboxFilters) => void;
  items: Notification[];
  groups: string[];
  error: Error | undefined;
  isLoading: boolean;
  hasMore: boolean;
  isLoadingMore: boolean;
  onLoadMore: () => void;
  onRetry: () => void;
}

export const timelineHref = (userId: string, notificationId: string) =>
  `/support/users/${encodeURIComponent(userId)}/notifications/${encodeURIComponent(notificationId)}`;

function SupportNotificationItem({ userId, item }: { userId: string; item: Notification }) {
  const titleId = `sn-${item.id}-title`;
  const unread = item.readState === "unread" && item.status === "active";
  return (
    <li
      className="item support-item"
      data-item-id={item.id}
      data-unread={unread}
      // Not the inbox's faded data-dismissed style: its muted text would fail contrast here, where every state matters.
      data-state={item.status === "deleted" ? "deleted" : item.userActionState}
      aria-labelledby={titleId}
    >
      <div className="item-top">
        {unread && <span className="unread-dot" aria-hidden="true" />}
        <h3 className="item-title" id={titleId}>
          <Link href={timelineHref(userId, item.id)} className="item-link">
            {notificationTitle(item)}
          </Link>
        </h3>
      </div>
      {item.payload.visualContent?.body && <p className="item-body">{item.payload.visualContent.body}</p>}
      <div className="meta">
        <RelativeTime iso={item.createdDateTime} />
        <NotificationStateTags item={item} />
      </div>
    </li>
  );
}

function emptyText(filters: SupportInboxFilters, name: string): string {
  if (filters.search) return `Nothing in ${name}'s inbox matches “${filters.search}”.`;
  if (filters.state === "deleted") return "No deleted notifications are kept for this user.";
  if (filters.state !== "all" || filters.group || filters.priority) return "No notifications match these filters.";
  return `${name}'s inbox is empty: no app has sent them anything in the last 30 days.`;
}

export function SupportInbox(props: SupportInboxProps) {
  const { userId, name, filters, onFiltersChange, items, groups, error, isLoading, hasMore, isLoadingMore, onLoadMore, onRetry } = props;
  const id = useId();

  let content;
  if (error && items.length === 0) {
    content = <ErrorState title={`${name}'s inbox could not be loaded`} error={error} onRetry={onRetry} />;
  } else if (isLoading && items.length === 0) {
    content = <ListSkeleton rows={3} />;
  } else if (items.length === 0) {
    content = (
      <div className="state">
        <p>{emptyText(filters, name)}</p>
      </div>
    );
  } else {
    content = (
      <>
        <ul className="list" role="list" aria-label={`${name}'s notifications`}>
          {items.map((item) => (
            <SupportNotificationItem key={item.id} userId={userId} item={item} />
          ))}
        </ul>
        {hasMore && (
          <div className="load-more">
            <button type="button" className="btn" disabled={isLoadingMore} onClick={onLoadMore}>
              {isLoadingMore ? "Loading…" : "Load more"}
            </button>
          </div>
        )}
      </>
    );
  }

  return (
    <>
      <div className="toolbar support-toolbar">
        <div className="field field-group">
          <label htmlFor={`${id}-state`}>State</label>
          <select
            id={`${id}-state`}
            className="select"
            value={filters.state}
            onChange={(e) => onFiltersChange({ ...filters, state: e.target.value as SupportStateFilter })}
          >
            {STATES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-group">
          <label htmlFor={`${id}-priority`}>Priority</label>
          <select
            id={`${id}-priority`}
            className="select"
            value={filters.priority ?? ""}
            onChange={(e) => onFiltersChange({ ...filters, priority: (e.target.value || undefined) as SupportInboxFilters["priority"] })}
          >
            <option value="">Any</option>
            <option value="High">High</option>
            <option value="None">Normal</option>
            <option value="Low">Low</option>
          </select>
        </div>
        <GroupSelect groups={groups} value={filters.group} onChange={(group) => onFiltersChange({ ...filters, group })} />
        <SearchBox value={filters.search ?? ""} onSearch={(search) => onFiltersChange({ ...filters, search: search || undefined })} />
      </div>
      {error && items.length > 0 && (
        <p className="field-error" role="alert">
          Refreshing failed: {error.message}
        </p>
      )}
      {content}
    </>
  );
}
