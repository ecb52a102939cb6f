"use client";
// Wires this page's change bus once per signed-in page: what follows a change (the unread count, the
// OS notifications, this browser's other tabs) subscribes, and what reports one (the service worker,
// the other tabs) publishes. The lists subscribe in their own hooks.
import { useEffect } from "react";
import { useSWRConfig } from "swr";
import { notificationChanges, type ChangeBus } from "@/lib/events/notification-changes";
import { closeSettledNotifications } from "@/lib/push/reconcile";
import { currentRegistration } from "@/lib/push/subscription";
import { connectTabSync } from "@/lib/push/tab-sync";
import { publishWorkerChanges } from "@/lib/push/worker-messages";
import { followUnreadCount } from "./use-unread-count";

export function useChangeSubscribers(bus: ChangeBus = notificationChanges): void {
  const { mutate } = useSWRConfig();
  useEffect(() => {
    const stops = [
      followUnreadCount(bus, mutate),
      closeSettledNotifications(bus, currentRegistration),
      connectTabSync(bus),
      publishWorkerChanges(bus),
    ];
    return () => {
      for (const stop of stops) stop();
    };
  }, [bus, mutate]);
}
