"use client";
// A push that arrived while this tab is in front is shown in the page as a toast, not by the OS:
// handling the worker's message tells it so. The lists hear of the new item on the change bus.
import { useCallback, useState } from "react";
import type { PushNotificationView } from "@/contracts/push-payload";
import { useWorkerMessages } from "./use-worker-messages";

export function useArrivedToast() {
  const [arrived, setArrived] = useState<PushNotificationView | null>(null);
  useWorkerMessages({ "notification-received": (message) => setArrived(message.notification) });
  const dismiss = useCallback(() => setArrived(null), []);
  return { arrived, dismiss };
}
