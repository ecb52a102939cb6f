"use client";
// An error the user can act on: what went wrong in the service's words, the ids support needs, Retry.
import { ApiError } from "@/lib/api/errors";

interface ErrorStateProps {
  title: string;
  error: Error;
  onRetry?: () => void;
  retryLabel?: string;
}

export function ErrorState({ title, error, onRetry, retryLabel = "Retry" }: ErrorStateProps) {
  const api = error instanceof ApiError ? error : undefined;
  return (
    <div className="state state-error" role="alert">
      <h2>{title}</h2>
      <p>{error.message}</p>
      {api && (
        <p className="detail">
          {api.status > 0 ? `HTTP ${api.status} · ` : ""}
          {api.code}
          {api.requestId ? ` · request-id ${api.requestId}` : ""}
          {!api.requestId && api.clientRequestId ? ` · client-request-id ${api.clientRequestId}` : ""}
        </p>
      )}
      {api?.retryAfterSeconds !== undefined && <p>The service asked us to wait {api.retryAfterSeconds} s before trying again.</p>}
      {onRetry && (
        <button type="button" className="btn btn-primary" onClick={onRetry}>
          {retryLabel}
        </button>
      )}
    </div>
  );
}
