"use client";
// The inbox list, virtualized over the window's scroll: only the rows in and near the viewport are
// in the DOM (a 10,000-item inbox had 31,408 elements), each measured, since rows differ in height.
// The next page loads before the end is reached. A list small enough to be cheap renders every row,
// so find-in-page still sees a small inbox whole.
import { useCallback, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState, type FocusEvent, type Ref } from "react";
import { defaultRangeExtractor, useWindowVirtualizer, type Range } from "@tanstack/react-virtual";
import type { Notification } from "@/contracts/notification";
import { NotificationItem, type ItemActions } from "./notification-item";
import { useOfflineState } from "@/lib/hooks/use-offline";
import { focusRow } from "@/lib/hooks/focus-in-list";

/** Up to this many rows, all are rendered. */
const RENDER_ALL_UP_TO = 40;
/** Rows rendered beyond each edge of the viewport, so Tab and Shift+Tab always find the next row. */
const OVERSCAN = 8;
/** The next page is asked for when the viewport comes within this many rows of the last loaded one. */
const LOAD_AHEAD = 25;
/** A row before it is measured: a two-line item with its footer. */
const ESTIMATED_ROW_PX = 124;
/** The space between rows (the old grid's 0.6rem). */
const ROW_GAP_PX = 10;

export interface NotificationListProps {
  items: Notification[];
  actions: ItemActions;
  /** More items exist beyond the loaded ones (the total is then unknown). */
  hasMore: boolean;
  isLoadingMore: boolean;
  onLoadMore: () => void;
  /** For keyboard shortcuts: brings a row into view and focuses it (it may not be rendered yet). */
  controllerRef?: Ref<ListController>;
}

export interface ListController {
  focusIndex(index: number): void;
}

export function NotificationList({ items, actions, hasMore, isLoadingMore, onLoadMore, controllerRef }: NotificationListProps) {
  const listRef = useRef<HTMLUListElement>(null);
  const { connection } = useOfflineState();
  const scrollMargin = useDocumentOffset(listRef);

  // The row holding keyboard focus stays rendered while it is scrolled away, so focus is not dropped
  // on <body>; it is put back in the range by the extractor below.
  const focusedId = useRef<string | null>(null);
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      const id = focusedId.current;
      if (id === null) return indexes;
      const focused = items.findIndex((item) => item.id === id);
      if (focused < 0 || indexes.includes(focused)) return indexes;
      return [...indexes, focused].sort((a, b) => a - b);
    },
    [items],
  );

  const virtualizer = useWindowVirtualizer<HTMLLIElement>({
    count: items.length,
    estimateSize: () => ESTIMATED_ROW_PX,
    getItemKey: (index) => items[index]!.id,
    overscan: items.length <= RENDER_ALL_UP_TO ? RENDER_ALL_UP_TO : OVERSCAN,
    gap: ROW_GAP_PX,
    scrollMargin,
    rangeExtractor,
  });
  const rows = virtualizer.getVirtualItems();

  useImperativeHandle(
    controllerRef,
    () => ({
      focusIndex(index) {
        const item = items[index];
        if (!item) return;
        focusedId.current = item.id;
        virtualizer.scrollToIndex(index, { align: "auto" });
        // Rendered now, or on one of the next frames once the virtualizer has moved its range.
        let tries = 0;
        const attempt = () => {
          if (!focusRow(listRef.current, item.id) && ++tries < 10) requestAnimationFrame(attempt);
        };
        attempt();
      },
    }),
    [items, virtualizer],
  );

  const endIndex = virtualizer.range?.endIndex ?? -1;
  useEffect(() => {
    if (hasMore && !isLoadingMore && endIndex >= items.length - 1 - LOAD_AHEAD) onLoadMore();
  }, [endIndex, hasMore, isLoadingMore, items.length, onLoadMore]);

  const onFocus = (event: FocusEvent<HTMLUListElement>) => {
    focusedId.current = (event.target as HTMLElement).closest<HTMLElement>("[data-item-id]")?.dataset.itemId ?? null;
  };
  const onBlur = (event: FocusEvent<HTMLUListElement>) => {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) focusedId.current = null;
  };

  return (
    <>
      {/* role="list" stays explicit: Safari drops list semantics from a list-style: none <ul>. */}
      <ul
        ref={listRef}
        className="list list-virtual"
        role="list"
        aria-label="Notifications"
        style={{ height: virtualizer.getTotalSize() }}
        onFocus={onFocus}
        onBlur={onBlur}
      >
        {rows.map((row) => {
          const item = items[row.index]!;
          return (
            <NotificationItem
              key={item.id}
              item={item}
              actions={actions}
              rowProps={{
                ref: virtualizer.measureElement,
                "data-index": row.index,
                "aria-posinset": row.index + 1,
                // -1: the total is not known until the last page is loaded.
                "aria-setsize": hasMore ? -1 : items.length,
                style: { transform: `translateY(${row.start - scrollMargin}px)` },
              }}
            />
          );
        })}
      </ul>
      <p className="load-more" role="status">
        {isLoadingMore ? "Loading more…" : hasMore && connection !== "online" ? "Older notifications load when you're back online." : ""}
      </p>
    </>
  );
}

/** The element's distance from the top of the document, kept current as what is above it changes. */
function useDocumentOffset(ref: React.RefObject<HTMLElement | null>): number {
  const [offset, setOffset] = useState(0);
  const measure = useCallback(() => {
    const el = ref.current;
    if (el) setOffset(Math.round(el.getBoundingClientRect().top + window.scrollY));
  }, [ref]);
  // Every render: a banner or an error above the list moves it.
  useLayoutEffect(measure);
  useEffect(() => {
    window.addEventListener("resize", measure);
    return () => window.removeEventListener("resize", measure);
  }, [measure]);
  return offset;
}
