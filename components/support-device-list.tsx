"use client";
// Support's read-only view of a user's devices: what each is, when it was last seen, whether its
// push subscription still holds, and how the last push to it went — in words, nothing to press.
import { useState } from "react";
import type { Endpoint } from "@/contracts/endpoint";
import { formatAbsoluteTime } from "@/lib/format/relative-time";
import { deliveryResultText, endpointName, platformDescription } from "@/lib/push/endpoint-display";
import { pushStatusText } from "@/lib/support/delivery-words";
import { ErrorState } from "./error-state";
import { RelativeTime } from "./relative-time";

interface SupportDeviceListProps {
  name: string;
  endpoints: Endpoint[] | undefined;
  error: Error | undefined;
  isLoading: boolean;
  onRetry: () => void;
}

function When({ iso }: { iso: string }) {
  return (
    <>
      <time dateTime={iso}>{formatAbsoluteTime(iso)}</time> (<RelativeTime iso={iso} />)
    </>
  );
}

function DeviceRow({ endpoint, now }: { endpoint: Endpoint; now: number }) {
  const name = endpointName(endpoint);
  const subscriptionExpired = endpoint.subscriptionExpirationDateTime !== null && Date.parse(endpoint.subscriptionExpirationDateTime) <= now;
  const code = endpoint.lastDeliveryStatusCode;
  const failed = code !== null && (code < 200 || code >= 300);
  return (
    <li className="endpoint" aria-label={name} data-endpoint-id={endpoint.id}>
      <div className="endpoint-top">
        <h3 className="endpoint-name">{name}</h3>
        {subscriptionExpired && <span className="tag tag-high">Subscription expired</span>}
      </div>
      <dl className="endpoint-facts">
        <dt>Type</dt>
        <dd>{platformDescription(endpoint.platform)}</dd>
        {endpoint.pushServiceHost && (
          <>
            <dt>Push service</dt>
            <dd>{endpoint.pushServiceHost}</dd>
          </>
        )}
        <dt>Added</dt>
        <dd>
          <When iso={endpoint.createdDateTime} />
        </dd>
        <dt>Last seen</dt>
        <dd>
          <When iso={endpoint.lastSeenDateTime} />
        </dd>
        {endpoint.subscriptionExpirationDateTime && (
          <>
            <dt>Subscription {subscriptionExpired ? "expired" : "expires"}</dt>
            <dd className={subscriptionExpired ? "text-bad" : undefined}>
              <When iso={endpoint.subscriptionExpirationDateTime} />
            </dd>
          </>
        )}
        <dt>Last push</dt>
        <dd className={failed || endpoint.lastDeliveryResult === "failed" ? "text-bad" : undefined}>
          {endpoint.lastDeliveryDateTime && (
            <>
              <When iso={endpoint.lastDeliveryDateTime} />
              {" · "}
            </>
          )}
          {deliveryResultText(endpoint)}
          {failed && `: ${pushStatusText(code)}`}
        </dd>
      </dl>
    </li>
  );
}

export function SupportDeviceList({ name, endpoints, error, isLoading, onRetry }: SupportDeviceListProps) {
  // "Expired" is judged once per page view, like the relative times beside it.
  const [now] = useState(() => Date.now());
  if (error && !endpoints) return <ErrorState title={`${name}'s devices could not be loaded`} error={error} onRetry={onRetry} />;
  if (isLoading && !endpoints) {
    return (
      <p className="state" role="status">
        Loading devices…
      </p>
    );
  }
  if (!endpoints || endpoints.length === 0) {
    return (
      <div className="state">
        <p>
          {name} has no devices registered: pushes have nowhere to go until they sign in on a device (and turn notifications on there).
        </p>
      </div>
    );
  }
  const sorted = [...endpoints].sort((a, b) => b.lastSeenDateTime.localeCompare(a.lastSeenDateTime));
  return (
    <ul className="list endpoint-list" aria-label={`${name}'s devices`}>
      {sorted.map((endpoint) => (
        <DeviceRow key={endpoint.id} endpoint={endpoint} now={now} />
      ))}
    </ul>
  );
}
