"use client";
// The item open in the dialog: opening one activates and reads it (when it is not already), by the
// item itself or by id (the loaded copy, else fetched; a clear message when it is gone). A snoozed item
// is only read: activating it would end its snooze.
import { useCallback, useState } from "react";
import type { Notification } from "@/contracts/notification";
import { useApiClient } from "@/lib/api/api-client-context";
import { ApiError } from "@/lib/api/errors";
import { notificationChanges } from "@/lib/events/notification-changes";

interface OpenedItemInput {
  items: readonly Notification[];
  activate: (item: Notification) => Promise<unknown>;
  read: (item: Notification) => Promise<unknown>;
  run: (what: string, action: () => Promise<unknown>, done: string) => Promise<void>;
  fail: (what: string, error: unknown) => void;
}

export function useOpenedItem({ items, activate, read, run, fail }: OpenedItemInput) {
  const client = useApiClient();
  const [opened, setOpened] = useState<Notification | null>(null);

  const open = useCallback(
    (item: Notification) => {
      setOpened(item);
      // Seen in the page: its OS notification closes, whether or not there is anything to send.
      notificationChanges.publish({ phase: "pending", action: "open", ids: [item.id] });
      if (item.userActionState === "snoozed") {
        if (item.readState !== "read") void run("Opening", () => read(item), "Opened and marked as read.");
      } else if (item.userActionState !== "activated" || item.readState !== "read") {
        void run("Opening", () => activate(item), "Opened and marked as read.");
      }
    },
    [activate, read, run],
  );

  const openById = useCallback(
    async (id: string) => {
      if (!client) return;
      const loaded = items.find((item) => item.id === id);
      try {
        const item = loaded ?? (await client.getNotification(id));
        if (item.status !== "active") throw new ApiError(404, "itemNotFound", "", undefined, undefined);
        open(item);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
          fail("Opening", new Error("That notification no longer exists: it was deleted or has expired."));
        } else {
          fail("Opening", error);
        }
      }
    },
    [client, items, open, fail],
  );

  const close = useCallback(() => setOpened(null), []);

  // The dialog shows the cached copy, so it reflects the state change it triggered.
  const item = opened ? (items.find((i) => i.id === opened.id) ?? opened) : null;

  return { item, open, openById, close };
}
