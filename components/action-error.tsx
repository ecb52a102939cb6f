"use client";
// A change the service refused (already rolled back) or a refresh that failed: the service's words,
// its request-id, and one thing to do about it.
import { ApiError } from "@/lib/api/errors";

interface ActionErrorProps {
  what: string;
  error: Error;
  actionLabel: string;
  onAction: () => void;
}

export function ActionError({ what, error, actionLabel, onAction }: ActionErrorProps) {
  const requestId = error instanceof ApiError ? error.requestId : undefined;
  return (
    <div className="state-error action-error" role="alert">
      <p>
        <strong>{what} failed:</strong> {error.message}
        {requestId && <span className="detail"> (request-id {requestId})</span>}
      </p>
      <button type="button" className="btn btn-small" onClick={onAction}>
        {actionLabel}
      </button>
    </div>
  );
}
