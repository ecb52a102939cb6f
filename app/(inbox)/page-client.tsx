"use client";
import dynamic from "next/dynamic";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ActionError } from "@/components/action-error";
import { AppHeader } from "@/components/app-header";
import { AuthBoundary } from "@/components/auth-boundary";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { GroupSelect } from "@/components/group-select";
import { ToolbarMenu } from "@/components/toolbar-menu";
import { ListSkeleton } from "@/components/list-skeleton";
import { useAnnounce } from "@/components/live-region";
import type { ItemActions } from "@/components/notification-item";
import { NotificationList, type ListController } from "@/components/notification-list";
import { NotificationToast } from "@/components/notification-toast";
import { PushHint } from "@/components/push-hint";
import { OfflineNotice } from "@/components/offline-notice";
import { SearchBox } from "@/components/search-box";
import { SignedInApp, type Session } from "@/components/signed-in-app";
import { UndoToast } from "@/components/undo-toast";
import { ViewFilter } from "@/components/view-filter";
import type { InboxFilters, InboxView } from "@/lib/api/query";
import type { Notification } from "@/contracts/notification";
import { useAuthRuntime } from "@/lib/auth/auth-runtime-context";
import { SignInRequiredError, signIn } from "@/lib/auth/token";
import { useActionRunner } from "@/lib/hooks/use-action-runner";
import { useArrivedToast } from "@/lib/hooks/use-arrived-toast";
import { useDocumentTitle } from "@/lib/hooks/use-document-title";
import { useNotifications } from "@/lib/hooks/use-notifications";
import { useOpenParam } from "@/lib/hooks/use-open-param";
import { useOpenedItem } from "@/lib/hooks/use-opened-item";
import { usePendingDelete } from "@/lib/hooks/use-pending-delete";
import { useShownNotificationSync } from "@/lib/hooks/use-shown-notification-sync";
import { shownInView } from "@/lib/hooks/snoozed-items";
import { useSnooze } from "@/lib/hooks/use-snooze";
import { useDismiss } from "@/lib/hooks/use-dismiss";
import { useShortcuts } from "@/lib/hooks/use-shortcuts";
import { useSnoozeWake } from "@/lib/hooks/use-snooze-wake";
import { useReloadOnViewChange } from "@/lib/hooks/use-reload-on-view-change";
import { useUnreadCount } from "@/lib/hooks/use-unread-count";
import { useOnceTrue } from "@/lib/hooks/use-once-true";
import { useViewParam } from "@/lib/hooks/use-view-param";
import { useOfflineState } from "@/lib/hooks/use-offline";
import { isNetworkFailure } from "@/lib/offline/change-queue";
import { SkipLink } from "@/components/skip-link";

const NotificationDialog = dynamic(() => import("@/components/notification-dialog").then((m) => m.NotificationDialog), { ssr: false });

function Inbox({ session }: { session: Session }) {
  const { account } = session;
  const { msal, config } = useAuthRuntime();
  const announce = useAnnounce();
  const initialView = useViewParam();
  const [filters, setFilters] = useState<InboxFilters>({ view: initialView });
  const list = useNotifications(filters);
  const unread = useUnreadCount();
  const { connection } = useOfflineState();
  const { failure, run, fail, clearFailure } = useActionRunner(announce);
  const { remove } = list;
  const listSetRead = list.setRead;
  const read = useCallback((item: Notification) => listSetRead(item, true), [listSetRead]);
  const opened = useOpenedItem({ items: list.items, activate: list.activate, read, run, fail });
  // The opened view's code loads the first time one is opened, and stays for the next.
  const dialogWanted = useOnceTrue(opened.item !== null);
  const commitDelete = useCallback((item: Notification) => void run("Delete", () => remove(item), "Deleted."), [remove, run]);
  const listRef = useRef<HTMLDivElement>(null);
  // Snoozed items are loaded in every view (the wake-up timer needs them) but shown only in Snoozed.
  const inView = useMemo(() => shownInView(list.items, filters.view), [list.items, filters.view]);
  const deletion = usePendingDelete({ items: inView, commit: commitDelete, announce, listRef });
  // Another view, group or search starts at its top, not deep down where the last one was left.
  useEffect(() => {
    if ((listRef.current?.getBoundingClientRect().top ?? 0) < 0) window.scrollTo({ top: 0 });
  }, [filters]);
  const { visibleItems } = deletion;
  const snoozing = useSnooze({ visibleItems, snooze: list.snooze, unsnooze: list.unsnooze, run, listRef });
  const dismissing = useDismiss({ visibleItems, dismiss: list.dismiss, restore: list.restore, run, listRef });
  const listController = useRef<ListController>(null);
  useSnoozeWake(list.items, list.reload);
  useReloadOnViewChange(filters.view, list.isLoading, list.reload);
  const arrived = useArrivedToast();
  useShownNotificationSync(list.items, list.isLoading);
  useOpenParam(!list.isLoading, opened.openById);

  const unreadCount = unread.count === undefined ? undefined : Math.max(0, unread.count - deletion.hiddenUnread);
  useDocumentTitle(unreadCount ? `(${unreadCount}) Inbox` : "Inbox");

  const startDelete = (item: Notification) => {
    opened.close();
    deletion.start(item);
  };

  const startSnooze = (item: Notification, until: Date) => {
    opened.close();
    void snoozing.start(item, until);
  };

  const endSnooze = (item: Notification) => {
    opened.close();
    snoozing.end(item);
  };

  const setRead = (item: Notification, read: boolean) =>
    void run(read ? "Mark as read" : "Mark as unread", () => list.setRead(item, read), read ? "Marked as read." : "Marked as unread.");

  const actions: ItemActions = {
    onOpen: opened.open,
    onToggleRead: (item) => setRead(item, item.readState === "unread"),
    onDismiss: (item) => {
      opened.close();
      void dismissing.start(item);
    },
    onSnooze: startSnooze,
    onUnsnooze: endSnooze,
    onDelete: startDelete,
  };

  // The one undo the toast offers: a delete waiting to be sent first, then a snooze, then a dismissal.
  const undo = deletion.pending
    ? { message: "Notification deleted.", run: deletion.undo }
    : snoozing.undoable
      ? { message: `Snoozed until ${snoozing.undoable.when}.`, run: snoozing.undo }
      : dismissing.undoable
        ? { message: "Notification dismissed.", run: dismissing.undo }
        : null;

  // Gmail/GitHub-style keys (lib/keyboard/shortcuts.ts; `?` lists them). The row with keyboard focus is
  // the one they act on; j/k move it.
  const focusedItem = () => {
    const id = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>("[data-item-id]")?.dataset.itemId;
    const index = id === undefined ? -1 : visibleItems.findIndex((i) => i.id === id);
    return { index, item: index >= 0 ? visibleItems[index] : undefined };
  };
  const move = (by: 1 | -1) => {
    const { index } = focusedItem();
    const next = index < 0 ? 0 : Math.min(visibleItems.length - 1, Math.max(0, index + by));
    listController.current?.focusIndex(next);
  };
  const onFocused = (act: (item: Notification) => void) => () => {
    const { item } = focusedItem();
    if (item) act(item);
  };
  useShortcuts({
    next: () => move(1),
    previous: () => move(-1),
    open: onFocused(opened.open),
    dismiss: onFocused((item) => item.userActionState !== "dismissed" && item.userActionState !== "snoozed" && actions.onDismiss(item)),
    delete: onFocused(startDelete),
    markRead: onFocused((item) => item.readState === "unread" && setRead(item, true)),
    markUnread: onFocused((item) => item.readState === "read" && setRead(item, false)),
    snooze: onFocused((item) => {
      // The row's own Snooze menu (a phone's "More actions" holds it there), opened on its first choice.
      const row = document.querySelector<HTMLElement>(`[data-item-id="${CSS.escape(item.id)}"]`);
      const buttons = [...(row?.querySelectorAll<HTMLButtonElement>('button[aria-haspopup="menu"]') ?? [])];
      buttons.find((b) => b.offsetParent !== null)?.click();
    }),
    search: () => document.querySelector<HTMLInputElement>("input[type=search]")?.focus(),
    undo: () => undo?.run(),
  });

  const setView = (view: InboxView) => {
    setFilters((f) => ({ ...f, view }));
    announce(view === "all" ? "Showing all notifications." : `Showing ${view} notifications.`);
  };

  let content;
  if (list.error instanceof SignInRequiredError) {
    content = <ErrorState title="Your session has ended" error={list.error} onRetry={() => void signIn(msal, config.scopes)} retryLabel="Sign in again" />;
  } else if (list.error && list.items.length === 0) {
    const notSaved = connection !== "online" && isNetworkFailure(list.error);
    content = (
      <ErrorState
        title={notSaved ? "This view was not saved for offline use" : "Your notifications could not be loaded"}
        error={notSaved ? new Error("It shows once you're back online. The views you opened online are kept on this device.") : list.error}
        onRetry={() => void list.reload()}
      />
    );
  } else if (list.isLoading && list.items.length === 0) {
    content = <ListSkeleton />;
  } else if (visibleItems.length === 0 && !list.hasMore) {
    content = <EmptyState filters={filters} />;
  } else {
    content = (
      <NotificationList
        controllerRef={listController}
        items={visibleItems}
        actions={actions}
        hasMore={list.hasMore}
        isLoadingMore={list.isLoadingMore}
        onLoadMore={list.loadMore}
      />
    );
  }

  // With a group selected, the bulk action follows what the list shows.
  const markAllLabel = filters.group ? `Mark all in ${filters.group} read` : "Mark all read";
  const markAll = () =>
    void run(
      markAllLabel,
      () => list.markAllRead(filters.group || undefined),
      filters.group ? `All notifications in ${filters.group} marked as read.` : "All notifications marked as read.",
    );

  return (
    <>
      <SkipLink to="notifications">Skip to notifications</SkipLink>
      <AppHeader name={account.name ?? account.username} upn={account.username} unreadCount={unreadCount} onSignOut={session.signOut} current="inbox" />
      <main className="shell">
        <OfflineNotice />
        <PushHint />
        <div className="toolbar">
          <ViewFilter value={filters.view} onChange={setView} />
          <SearchBox value={filters.search ?? ""} onSearch={(search) => setFilters((f) => ({ ...f, search: search || undefined }))} />
          <div className="toolbar-wide">
            <GroupSelect groups={list.groups} value={filters.group} onChange={(group) => setFilters((f) => ({ ...f, group }))} />
          </div>
          <div className="toolbar-narrow">
            <ToolbarMenu
              groups={list.groups}
              group={filters.group}
              onGroup={(group) => setFilters((f) => ({ ...f, group }))}
              markAllLabel={markAllLabel}
              canMarkAll={unreadCount !== 0}
              onMarkAll={markAll}
            />
          </div>
          <button
            type="button"
            className="btn toolbar-end toolbar-wide"
            // aria-disabled, not disabled: the button keeps keyboard focus once everything is read.
            aria-disabled={unreadCount === 0}
            onClick={() => unreadCount !== 0 && markAll()}
          >
            {markAllLabel}
          </button>
        </div>
        {failure && <ActionError what={failure.what} error={failure.error} actionLabel="Close message" onAction={clearFailure} />}
        {list.error && list.items.length > 0 && !(connection !== "online" && isNetworkFailure(list.error)) && (
          <ActionError what="Refreshing" error={list.error} actionLabel="Retry" onAction={() => void list.reload()} />
        )}
        <div ref={listRef} id="notifications" tabIndex={-1}>
          {content}
        </div>
      </main>
      {dialogWanted && (
        <NotificationDialog
          item={opened.item}
          onClose={opened.close}
          onToggleRead={(item) => {
            opened.close();
            setRead(item, item.readState === "unread");
          }}
          onDismiss={actions.onDismiss}
          onSnooze={startSnooze}
          onUnsnooze={endSnooze}
          onDelete={startDelete}
        />
      )}
      {undo && <UndoToast message={undo.message} onUndo={undo.run} />}
      <NotificationToast
        notification={undo ? null : arrived.arrived}
        onOpen={(id) => {
          arrived.dismiss();
          void opened.openById(id);
        }}
        onClose={arrived.dismiss}
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
