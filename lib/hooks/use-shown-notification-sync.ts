"use client";
// On app open and after every list revalidation, close the OS notifications of items the server
// says are settled (read, dismissed or deleted elsewhere; some push services send no state pushes).
import { useEffect } from "react";
import type { Notification } from "@/contracts/notification";
import { useApiClient } from "@/lib/api/api-client-context";
import { reconcileShownNotifications, shownNotifications } from "@/lib/push/reconcile";
import { currentRegistration } from "@/lib/push/subscription";

const NONE: readonly Notification[] = [];

/** `loaded`: the items the page holds (their state is known without asking); none on pages without a list. */
export function useShownNotificationSync(loaded: readonly Notification[] = NONE, isLoading = false): void {
  const client = useApiClient();
  useEffect(() => {
    if (!client || isLoading) return;
    void reconcileShownNotifications({
      listShown: () => shownNotifications(currentRegistration),
      loaded,
      fetchById: (id) => client.getNotification(id),
    }).catch(() => undefined);
  }, [client, loaded, isLoading]);
}
