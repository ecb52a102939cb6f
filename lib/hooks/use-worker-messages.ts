"use client";
// Subscribes a component to its service worker's messages for as long as it is mounted.
import { useEffect, useRef } from "react";
import { listenToWorker } from "@/lib/push/worker-messages";
import type { WorkerMessage } from "@/contracts/push-payload";

export type WorkerMessageHandlers = {
  [K in WorkerMessage["type"]]?: (message: Extract<WorkerMessage, { type: K }>) => void;
};

export function useWorkerMessages(handlers: WorkerMessageHandlers): void {
  // The latest handlers, without re-subscribing on every render.
  const ref = useRef(handlers);
  useEffect(() => {
    ref.current = handlers;
  });
  useEffect(
    () =>
      listenToWorker({
        "notifications-changed": (m) => ref.current["notifications-changed"]?.(m),
        // false when this component shows no toasts: the worker then shows an OS notification.
        "notification-received": (m) => {
          const handler = ref.current["notification-received"];
          if (!handler) return false;
          handler(m);
          return true;
        },
        "push-subscription-changed": (m) => ref.current["push-subscription-changed"]?.(m),
      }),
    [],
  );
}
