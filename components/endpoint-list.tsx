"use client";
// "Your devices": every endpoint of the user, this one marked, each removable after a confirmation.
import { useEffect, useRef, useState } from "react";
import type { Endpoint } from "@/contracts/endpoint";
import { formatAbsoluteTime } from "@/lib/format/relative-time";
import { deliveryResultText, endpointName, platformDescription } from "@/lib/push/endpoint-display";
import { ErrorState } from "./error-state";
import { RelativeTime } from "./relative-time";

interface EndpointListProps {
  endpoints: Endpoint[] | undefined;
  error: Error | undefined;
  isLoading: boolean;
  thisEndpointId: string | undefined;
  onRetry: () => void;
  /** Rejects when the service refused; the row then shows why. */
  onRemove: (endpoint: Endpoint) => Promise<void>;
}

function EndpointRow({ endpoint, isThis, onRemove }: { endpoint: Endpoint; isThis: boolean; onRemove: EndpointListProps["onRemove"] }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const name = endpointName(endpoint);
  // Cancel (or a refusal) puts focus back on Remove, not on the page's body.
  const removeButton = useRef<HTMLButtonElement>(null);
  const [refocus, setRefocus] = useState(false);
  useEffect(() => {
    if (refocus && !confirming) removeButton.current?.focus();
  }, [refocus, confirming]);

  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await onRemove(endpoint);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
      setConfirming(false);
      setRefocus(true);
    }
  };

  return (
    <li className="endpoint" aria-label={isThis ? `${name} (this device)` : name} data-endpoint-id={endpoint.id}>
      <div className="endpoint-top">
        <h3 className="endpoint-name">{name}</h3>
        {isThis && <span className="tag tag-unread">This device</span>}
      </div>
      <dl className="endpoint-facts">
        <dt>Type</dt>
        <dd>{platformDescription(endpoint.platform)}</dd>
        <dt>Added</dt>
        <dd>
          <time dateTime={endpoint.createdDateTime}>{formatAbsoluteTime(endpoint.createdDateTime)}</time>
        </dd>
        <dt>Last delivery</dt>
        <dd>
          {endpoint.lastDeliveryDateTime && (
            <>
              <RelativeTime iso={endpoint.lastDeliveryDateTime} />
              {" · "}
            </>
          )}
          {deliveryResultText(endpoint)}
        </dd>
      </dl>
      {error && (
        <p className="push-control-error" role="alert">
          Could not remove {name}: {error}
        </p>
      )}
      {confirming ? (
        <div className="endpoint-confirm" role="group" aria-label={`Remove ${name}?`}>
          <p>{isThis ? "Remove this device? It stops getting notifications until you turn them on again." : `Remove ${name}? It stops getting notifications.`}</p>
          <div className="endpoint-actions">
            <button type="button" className="btn btn-danger" disabled={busy} onClick={() => void remove()} autoFocus>
              {busy ? "Removing…" : "Yes, remove"}
            </button>
            <button
              type="button"
              className="btn"
              disabled={busy}
              onClick={() => {
                setConfirming(false);
                setRefocus(true);
              }}
            >
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div className="endpoint-actions">
          <button ref={removeButton} type="button" className="btn btn-danger" aria-label={`Remove ${name}`} onClick={() => setConfirming(true)}>
            Remove
          </button>
        </div>
      )}
    </li>
  );
}

export function EndpointList({ endpoints, error, isLoading, thisEndpointId, onRetry, onRemove }: EndpointListProps) {
  if (error && !endpoints) return <ErrorState title="Your devices could not be loaded" error={error} onRetry={onRetry} />;
  if (isLoading && !endpoints) {
    return (
      <p className="state" role="status">
        Loading your devices…
      </p>
    );
  }
  if (!endpoints || endpoints.length === 0) {
    return (
      <div className="state">
        <h3>No devices yet</h3>
        <p>A device appears here once you sign in on it.</p>
      </div>
    );
  }
  // This device first, then newest first.
  const sorted = [...endpoints].sort((a, b) =>
    a.id === thisEndpointId ? -1 : b.id === thisEndpointId ? 1 : b.createdDateTime.localeCompare(a.createdDateTime),
  );
  return (
    <ul className="list endpoint-list" aria-label="Your devices">
      {sorted.map((endpoint) => (
        <EndpointRow key={endpoint.id} endpoint={endpoint} isThis={endpoint.id === thisEndpointId} onRemove={onRemove} />
      ))}
    </ul>
  );
}
