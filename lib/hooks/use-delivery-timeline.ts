"use client";
// Support: one notification of another user, how it was delivered to each of their devices and what
// happened to it since — read (the item, its delivery records, its event log, the devices) and told
// as lanes with a verdict on top (lib/support/timeline.ts, verdict.ts).
import { useMemo } from "react";
import useSWR from "swr";
import { useApiClient } from "@/lib/api/api-client-context";
import { buildTimeline, type Timeline } from "@/lib/support/timeline";
import { deliveryVerdict } from "@/lib/support/verdict";
import { SUPPORT_READ_OPTIONS } from "./support-reads";
import { useUserEndpoints } from "./use-user-endpoints";

export function useDeliveryTimeline(userId: string, notificationId: string, reason: string | undefined) {
  const client = useApiClient();
  const ready = Boolean(client && reason);
  const item = useSWR(ready ? ["support", "notification", userId, notificationId, reason] : null, () => client!.getUserNotification(userId, notificationId, reason!), SUPPORT_READ_OPTIONS);
  const deliveries = useSWR(ready ? ["support", "deliveries", userId, notificationId, reason] : null, () => client!.listDeliveries(userId, notificationId, reason!), SUPPORT_READ_OPTIONS);
  const events = useSWR(ready ? ["support", "events", userId, notificationId, reason] : null, () => client!.listNotificationEvents(userId, notificationId, reason!), SUPPORT_READ_OPTIONS);
  // Only for better words (an expired subscription's date): the timeline does not wait for it.
  const devices = useUserEndpoints(userId, reason);

  const timeline = useMemo<Timeline | undefined>(() => {
    if (!deliveries.data || !events.data) return undefined;
    return buildTimeline({ notification: item.data ?? null, deliveries: deliveries.data, events: events.data, endpoints: devices.endpoints });
  }, [item.data, deliveries.data, events.data, devices.endpoints]);
  const verdict = useMemo(() => (timeline ? deliveryVerdict(timeline) : undefined), [timeline]);

  const error = (item.error ?? deliveries.error ?? events.error) as Error | undefined;
  return {
    notification: item.data,
    timeline,
    verdict,
    error,
    isLoading: item.isLoading || deliveries.isLoading || events.isLoading,
    reload: () => {
      void item.mutate();
      void deliveries.mutate();
      void events.mutate();
    },
  };
}
