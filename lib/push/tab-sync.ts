// Tabs of one browser are one endpoint: the service pushes a change to every endpoint except the one
// that made it, so this browser's other tabs hear about it here instead (BroadcastChannel, same origin).
import type { ChangeBus } from "@/lib/events/notification-changes";

const CHANNEL = "inbox-changes";

interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  removeEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  close(): void;
}

type OpenChannel = (name: string) => ChannelLike | undefined;

const openBroadcastChannel: OpenChannel = (name) =>
  typeof BroadcastChannel === "function" ? new BroadcastChannel(name) : undefined;

let sender: ChannelLike | undefined;

/** Tells this browser's other tabs that this tab changed something on the service. */
export function announceChange(open: OpenChannel = openBroadcastChannel): void {
  // A channel never receives its own messages, so one long-lived sender serves the page.
  sender ??= open(CHANNEL);
  sender?.postMessage({ type: "changed" });
}

/** Calls onChange when another tab of this browser changed something; returns the unsubscribe function. */
export function listenToOtherTabs(onChange: () => void, open: OpenChannel = openBroadcastChannel): () => void {
  const channel = open(CHANNEL);
  if (!channel) return () => {};
  const onMessage = (event: MessageEvent) => {
    if ((event.data as { type?: unknown } | null)?.type === "changed") onChange();
  };
  channel.addEventListener("message", onMessage);
  return () => {
    channel.removeEventListener("message", onMessage);
    channel.close();
  };
}

/**
 * Subscriber and publisher: a change this tab got the service to accept is announced to the other
 * tabs, and theirs are published here as remote changes (never announced back). Returns the
 * unsubscribe function.
 */
export function connectTabSync(bus: ChangeBus, open: OpenChannel = openBroadcastChannel): () => void {
  const stopAnnouncing = bus.subscribe((change) => {
    if (change.phase === "resolved") announceChange(open);
  });
  const stopListening = listenToOtherTabs(() => bus.publish({ phase: "remote", source: "tab", reason: "changed" }), open);
  return () => {
    stopAnnouncing();
    stopListening();
  };
}
