"use client";
// Subscribes a component to its service worker's messages for as long as it is mounted.
import { useEffect, useRef } from "react";
import { listenToWorker } from "@/lib/push/worker-messages";
import type { WorkerMessage } from "@/lib/push/sw-protocol";

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
        "notification-received": (m) => ref.current["notification-received"]?.(m),
        "push-subscription-changed": (m) => ref.current["push-subscription-changed"]?.(m),
      }),
    [],
  );
}
