"use client";
// "Your devices": the user's endpoints, and removing one (optimistic, rolled back on failure).
import useSWR from "swr";
import { useCallback, useEffect } from "react";
import { useApiClient } from "@/lib/api/api-client-context";
import type { Endpoint } from "@/contracts/endpoint";
import { notificationChanges, publishChange } from "@/lib/events/notification-changes";

export const ENDPOINTS_KEY = ["endpoints"] as const;

export function useEndpoints() {
  const client = useApiClient();
  const { data, error, isLoading, mutate } = useSWR(client ? ENDPOINTS_KEY : null, () => client!.listEndpoints(), {
    revalidateOnFocus: true,
  });

  // Another tab removed a device, or the worker heard of a change: the list may be stale. A new item
  // arriving changes no device.
  useEffect(
    () =>
      notificationChanges.subscribe((change) => {
        if (change.phase === "remote" && change.reason === "changed") void mutate();
      }),
    [mutate],
  );

  const remove = useCallback(
    async (endpoint: Endpoint) => {
      if (!client) return;
      await publishChange(notificationChanges, { action: "removeEndpoint", ids: [endpoint.id] }, () =>
        mutate(
          async (list) => {
            await client.deleteEndpoint(endpoint.id);
            return list?.filter((e) => e.id !== endpoint.id);
          },
          { optimisticData: (list) => (list ?? []).filter((e) => e.id !== endpoint.id), rollbackOnError: true, populateCache: true, revalidate: true },
        ),
      );
    },
    [client, mutate],
  );

  // Stable, so pages can list it in effect dependencies.
  const reload = useCallback(() => mutate(), [mutate]);

  return { endpoints: data, error: error as Error | undefined, isLoading, reload, remove };
}
