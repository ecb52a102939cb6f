"use client";
// The access log as visits: who from support looked, when, why (their reason) and at what.
import type { ReactNode } from "react";
import { formatAbsoluteTime } from "@/lib/format/relative-time";
import { actorName, listInWords, type AccessVisit } from "@/lib/support/access-log";
import { ErrorState } from "./error-state";
import { RelativeTime } from "./relative-time";

interface AccessVisitsProps {
  /** Names the list for assistive technology. */
  label: string;
  visits: AccessVisit[] | undefined;
  error: Error | undefined;
  isLoading: boolean;
  empty: ReactNode;
  hasMore?: boolean;
  isLoadingMore?: boolean;
  onLoadMore?: () => void;
  onRetry: () => void;
}

function Visit({ visit }: { visit: AccessVisit }) {
  const name = actorName(visit.actor);
  const upn = visit.actor.userPrincipalName;
  return (
    <li className="access-visit" data-reason={visit.reason}>
      <p className="access-who">
        <strong>{name}</strong>
        {upn && upn !== name && <span className="access-upn"> ({upn})</span>}
      </p>
      <dl className="endpoint-facts">
        <dt>When</dt>
        <dd>
          <time dateTime={visit.to}>{formatAbsoluteTime(visit.to)}</time> (<RelativeTime iso={visit.to} />)
        </dd>
        <dt>Why</dt>
        <dd className="access-reason">{visit.reason}</dd>
        <dt>What</dt>
        <dd>
          Looked at {listInWords(visit.what)}
          {visit.reads > 1 ? ` (${visit.reads} reads)` : ""}
        </dd>
      </dl>
    </li>
  );
}

export function AccessVisits({ label, visits, error, isLoading, empty, hasMore, isLoadingMore, onLoadMore, onRetry }: AccessVisitsProps) {
  if (error && !visits) return <ErrorState title="The access log could not be loaded" error={error} onRetry={onRetry} />;
  if (isLoading && !visits) {
    return (
      <p className="state" role="status">
        Loading the access log…
      </p>
    );
  }
  if (!visits || visits.length === 0) return <div className="state access-empty">{empty}</div>;
  return (
    <>
      <ul className="list" aria-label={label}>
        {visits.map((visit) => (
          <Visit key={visit.key} visit={visit} />
        ))}
      </ul>
      {hasMore && onLoadMore && (
        <div className="load-more">
          <button type="button" className="btn" disabled={isLoadingMore} onClick={onLoadMore}>
            {isLoadingMore ? "Loading…" : "Show older"}
          </button>
        </div>
      )}
    </>
  );
}
