"use client";
// A change the service refused: it has been rolled back; say so with the service's words and ids.
import { ApiError } from "@/lib/api/errors";

export function ActionError({ what, error, onClose }: { what: string; error: Error; onClose: () => void }) {
  const requestId = error instanceof ApiError ? error.requestId : undefined;
  return (
    <div className="state-error action-error" role="alert">
      <p>
        <strong>{what} failed:</strong> {error.message}
        {requestId && <span className="detail"> (request-id {requestId})</span>}
      </p>
      <button type="button" className="btn btn-small" onClick={onClose}>
        Close message
      </button>
    </div>
  );
}
