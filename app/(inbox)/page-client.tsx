"use client";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ActionError } from "@/components/action-error";
import { AppHeader } from "@/components/app-header";
import { AuthBoundary } from "@/components/auth-boundary";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { GroupSelect } from "@/components/group-select";
import { ListSkeleton } from "@/components/list-skeleton";
import { useAnnounce } from "@/components/live-region";
import { NotificationDialog } from "@/components/notification-dialog";
import { notificationTitle, type ItemActions } from "@/components/notification-item";
import { NotificationList } from "@/components/notification-list";
import { NotificationToast } from "@/components/notification-toast";
import { PushHint } from "@/components/push-hint";
import { SearchBox } from "@/components/search-box";
import { SignedInApp, type Session } from "@/components/signed-in-app";
import { UndoToast } from "@/components/undo-toast";
import { ViewFilter } from "@/components/view-filter";
import { useApiClient } from "@/lib/api/api-client-context";
import { ApiError } from "@/lib/api/errors";
import type { InboxFilters, InboxView } from "@/lib/api/query";
import type { Notification } from "@/contracts/notification";
import { useAuthRuntime } from "@/lib/auth/auth-runtime-context";
import { SignInRequiredError, signIn } from "@/lib/auth/token";
import { useNotifications } from "@/lib/hooks/use-notifications";
import { useUnreadCount } from "@/lib/hooks/use-unread-count";
import { useWorkerMessages } from "@/lib/hooks/use-worker-messages";
import { closeShownNotification, reconcileShownNotifications, shownNotifications } from "@/lib/push/reconcile";
import { listenToOtherTabs } from "@/lib/push/tab-sync";
import { OPEN_PARAM, type PushNotificationView } from "@/contracts/push-payload";
import { currentRegistration } from "@/lib/push/subscription";

const UNDO_MS = 5000;

interface PendingDelete {
  item: Notification;
  timer: ReturnType<typeof setTimeout>;
}

function Inbox({ session }: { session: Session }) {
  const { account } = session;
  const { msal, config } = useAuthRuntime();
  const client = useApiClient();
  const announce = useAnnounce();
  const [filters, setFilters] = useState<InboxFilters>({ view: "all" });
  const list = useNotifications(filters);
  const unread = useUnreadCount();
  const [opened, setOpened] = useState<Notification | null>(null);
  const [pending, setPending] = useState<PendingDelete | null>(null);
  const pendingRef = useRef<PendingDelete | null>(null);
  const [failure, setFailure] = useState<{ what: string; error: Error } | null>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const { remove } = list;

  // A delete waiting out its undo window already counts as gone, in the badge as in the list.
  const pendingUnread = pending && pending.item.readState === "unread" && pending.item.status === "active" ? 1 : 0;
  const unreadCount = unread.count === undefined ? undefined : Math.max(0, unread.count - pendingUnread);

  useEffect(() => {
    document.title = unreadCount ? `(${unreadCount}) Inbox` : "Inbox";
  }, [unreadCount]);

  const run = useCallback(
    async (what: string, action: () => Promise<unknown>, done: string) => {
      try {
        await action();
        setFailure(null);
        announce(done);
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error));
        // Shown in a role="alert" banner, which screen readers announce by itself.
        setFailure({ what, error: e });
      }
    },
    [announce],
  );

  const commitDelete = useCallback(
    (entry: PendingDelete) => {
      clearTimeout(entry.timer);
      if (pendingRef.current === entry) {
        pendingRef.current = null;
        setPending(null);
      }
      void run("Delete", () => remove(entry.item), "Deleted.");
    },
    [remove, run],
  );

  // A delete waiting for its undo window is sent now if the page is being hidden or closed.
  useEffect(() => {
    const flush = () => {
      if (document.visibilityState === "hidden" && pendingRef.current) commitDelete(pendingRef.current);
    };
    document.addEventListener("visibilitychange", flush);
    return () => document.removeEventListener("visibilitychange", flush);
  }, [commitDelete]);

  const visibleItems = useMemo(() => list.items.filter((item) => item.id !== pending?.item.id), [list.items, pending]);

  /** After an item leaves the list, keep keyboard focus in the list rather than dropping it on <body>. */
  const focusNear = useCallback((index: number) => {
    requestAnimationFrame(() => {
      const rows = listRef.current?.querySelectorAll<HTMLElement>("[data-item-id]");
      const row = rows?.[Math.min(index, rows.length - 1)];
      (row?.querySelector<HTMLElement>("button") ?? document.querySelector<HTMLElement>("input[type=search]"))?.focus();
    });
  }, []);

  const startDelete = useCallback(
    (item: Notification) => {
      if (pendingRef.current) commitDelete(pendingRef.current);
      const index = visibleItems.findIndex((i) => i.id === item.id);
      const entry: PendingDelete = { item, timer: setTimeout(() => commitDelete(entry), UNDO_MS) };
      pendingRef.current = entry;
      setPending(entry);
      setOpened(null);
      void closeShownNotification(item.id, currentRegistration);
      announce(`Deleted “${notificationTitle(item)}”. Undo is available for ${UNDO_MS / 1000} seconds.`);
      focusNear(index);
    },
    [announce, commitDelete, focusNear, visibleItems],
  );

  const undoDelete = useCallback(() => {
    const entry = pendingRef.current;
    if (!entry) return;
    clearTimeout(entry.timer);
    pendingRef.current = null;
    setPending(null);
    announce(`Restored “${notificationTitle(entry.item)}”.`);
  }, [announce]);

  const actions: ItemActions = useMemo(
    () => ({
      onOpen: (item) => {
        setOpened(item);
        void closeShownNotification(item.id, currentRegistration);
        if (item.userActionState !== "activated" || item.readState !== "read") {
          void run("Opening", () => list.activate(item), "Opened and marked as read.");
        }
      },
      onToggleRead: (item) => {
        const read = item.readState === "unread";
        if (read) void closeShownNotification(item.id, currentRegistration);
        void run(read ? "Mark as read" : "Mark as unread", () => list.setRead(item, read), read ? "Marked as read." : "Marked as unread.");
      },
      onDismiss: (item) => {
        void closeShownNotification(item.id, currentRegistration);
        void run("Dismiss", () => list.dismiss(item), `Dismissed “${notificationTitle(item)}”.`);
      },
      onDelete: startDelete,
    }),
    [list, run, startDelete],
  );

  const setView = (view: InboxView) => {
    setFilters((f) => ({ ...f, view }));
    announce(view === "all" ? "Showing all notifications." : `Showing ${view} notifications.`);
  };

  // The dialog shows the cached copy, so it reflects the state change it triggered.
  const openedItem = opened ? (list.items.find((i) => i.id === opened.id) ?? opened) : null;

  // A push that arrived while this tab is in front is shown here, not by the OS.
  const [arrived, setArrived] = useState<PushNotificationView | null>(null);
  const { reload } = list;
  const { mutate: refreshCount } = unread;
  /** The list and the count, asked again (something changed on the service). */
  const revalidate = useCallback(() => {
    void reload();
    void refreshCount();
  }, [reload, refreshCount]);
  useWorkerMessages({
    "notifications-changed": revalidate,
    "notification-received": (message) => {
      setArrived(message.notification);
      revalidate();
    },
  });

  // This browser's other tabs get no push for a change made here (one endpoint): they say so directly.
  useEffect(() => listenToOtherTabs(revalidate), [revalidate]);

  // On app open and after every list revalidation, close OS notifications the server says are settled.
  const listItems = list.items;
  useEffect(() => {
    if (!client || list.isLoading) return;
    void reconcileShownNotifications({
      getNotifications: () => shownNotifications(currentRegistration),
      loaded: listItems,
      fetchById: (id) => client.getNotification(id),
    }).catch(() => undefined);
  }, [client, listItems, list.isLoading]);

  /** Opens one item by id: the loaded copy, else fetched; a clear message when it is gone. */
  const openById = useCallback(
    async (id: string) => {
      if (!client) return;
      const loaded = listItems.find((item) => item.id === id);
      try {
        const item = loaded ?? (await client.getNotification(id));
        if (item.status !== "active") throw new ApiError(404, "itemNotFound", "", undefined, undefined);
        actions.onOpen(item);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
          setFailure({ what: "Opening", error: new Error("That notification no longer exists: it was deleted or has expired.") });
        } else {
          setFailure({ what: "Opening", error: error instanceof Error ? error : new Error(String(error)) });
        }
      }
    },
    [client, listItems, actions],
  );

  // `/?open=<id>` (a click on an OS notification): open that item once the list has loaded, then
  // drop the parameter so a reload does not open it again.
  const openHandled = useRef(false);
  useEffect(() => {
    if (openHandled.current || list.isLoading) return;
    const params = new URLSearchParams(window.location.search);
    const id = params.get(OPEN_PARAM);
    if (!id) return;
    openHandled.current = true;
    params.delete(OPEN_PARAM);
    const rest = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (rest ? `?${rest}` : "") + window.location.hash);
    // After this effect, not inside it: opening sets state.
    void Promise.resolve().then(() => openById(id));
  }, [list.isLoading, openById]);

  let content;
  if (list.error instanceof SignInRequiredError) {
    content = <ErrorState title="Your session has ended" error={list.error} onRetry={() => void signIn(msal, config.scopes)} retryLabel="Sign in again" />;
  } else if (list.error && list.items.length === 0) {
    content = <ErrorState title="Your notifications could not be loaded" error={list.error} onRetry={() => void list.reload()} />;
  } else if (list.isLoading && list.items.length === 0) {
    content = <ListSkeleton />;
  } else if (visibleItems.length === 0) {
    content = <EmptyState filters={filters} />;
  } else {
    content = (
      <>
        <NotificationList items={visibleItems} actions={actions} />
        {list.hasMore && (
          <div className="load-more">
            <button type="button" className="btn" disabled={list.isLoadingMore} onClick={() => void list.loadMore()}>
              {list.isLoadingMore ? "Loading…" : "Load more"}
            </button>
          </div>
        )}
      </>
    );
  }

  // With a group selected, the bulk action follows what the list shows.
  const markAllLabel = filters.group ? `Mark all in ${filters.group} read` : "Mark all read";

  return (
    <>
      <a className="skip-link" href="#notifications">
        Skip to notifications
      </a>
      <AppHeader name={account.name ?? account.username} upn={account.username} unreadCount={unreadCount} onSignOut={session.signOut} current="inbox" />
      <main className="shell">
        <PushHint />
        <div className="toolbar">
          <ViewFilter value={filters.view} onChange={setView} />
          <SearchBox value={filters.search ?? ""} onSearch={(search) => setFilters((f) => ({ ...f, search: search || undefined }))} />
          <GroupSelect groups={list.groups} value={filters.group} onChange={(group) => setFilters((f) => ({ ...f, group }))} />
          <button
            type="button"
            className="btn toolbar-end"
            disabled={unreadCount === 0}
            onClick={() =>
              void run(
                markAllLabel,
                () => list.markAllRead(filters.group || undefined),
                filters.group ? `All notifications in ${filters.group} marked as read.` : "All notifications marked as read.",
              )
            }
          >
            {markAllLabel}
          </button>
        </div>
        {failure && <ActionError what={failure.what} error={failure.error} actionLabel="Close message" onAction={() => setFailure(null)} />}
        {list.error && list.items.length > 0 && (
          <ActionError what="Refreshing" error={list.error} actionLabel="Retry" onAction={() => void list.reload()} />
        )}
        <div ref={listRef} id="notifications" tabIndex={-1}>
          {content}
        </div>
      </main>
      <NotificationDialog
        item={openedItem}
        onClose={() => setOpened(null)}
        onMarkUnread={(item) => {
          setOpened(null);
          void run("Mark as unread", () => list.setRead(item, false), "Marked as unread.");
        }}
        onDelete={startDelete}
      />
      {pending && <UndoToast message="Notification deleted." onUndo={undoDelete} />}
      <NotificationToast
        notification={pending ? null : arrived}
        onOpen={(id) => {
          setArrived(null);
          void openById(id);
        }}
        onClose={() => setArrived(null)}
      />
    </>
  );
}

export function InboxPageClient() {
  return (
    <AuthBoundary>
      <SignedInApp>{(session) => <Inbox session={session} />}</SignedInApp>
    </AuthBoundary>
  );
}
