"use client";
// Swipe on a list row, as phone mail apps do: a touch drag sideways moves the row with the finger and,
// let go past SWIPE_COMMIT_PX, commits — right and left each to their own action; short of it the row
// springs back. Vertical drags stay the page's scroll (the row sets `touch-action: pan-y`), and a
// drag that starts mostly vertical is never taken for a swipe. Mouse and pen are left alone: they
// have the row's buttons.
import { useCallback, useRef, useState, type PointerEvent } from "react";

/** How far the finger must carry the row for a swipe to count. */
export const SWIPE_COMMIT_PX = 96;
/** Below this, a movement is a tap or the start of a scroll, not yet a swipe. */
const SLOP_PX = 10;

export type SwipeDirection = "left" | "right";

/** Pure: what a drag of (dx, dy) means so far — nothing yet, a scroll, or a swipe. */
export function classifyDrag(dx: number, dy: number): "undecided" | "scroll" | "swipe" {
  if (Math.abs(dx) < SLOP_PX && Math.abs(dy) < SLOP_PX) return "undecided";
  return Math.abs(dx) > Math.abs(dy) * 1.5 ? "swipe" : "scroll";
}

/** Pure: the action a released swipe commits, if any. */
export function swipeOutcome(dx: number): SwipeDirection | undefined {
  if (dx >= SWIPE_COMMIT_PX) return "right";
  if (dx <= -SWIPE_COMMIT_PX) return "left";
  return undefined;
}

export function useSwipe(onSwipe: (direction: SwipeDirection) => void) {
  const [offset, setOffset] = useState(0);
  const start = useRef<{ x: number; y: number; id: number; mode: "undecided" | "scroll" | "swipe" } | null>(null);
  // A swipe ends with a click on whatever is under the finger: that click must not open the row.
  const swallowClick = useRef(false);

  const onPointerDown = useCallback((event: PointerEvent<HTMLElement>) => {
    if (event.pointerType !== "touch") return;
    start.current = { x: event.clientX, y: event.clientY, id: event.pointerId, mode: "undecided" };
  }, []);

  const onPointerMove = useCallback((event: PointerEvent<HTMLElement>) => {
    const s = start.current;
    if (!s || s.id !== event.pointerId || s.mode === "scroll") return;
    const dx = event.clientX - s.x;
    if (s.mode === "undecided") {
      s.mode = classifyDrag(dx, event.clientY - s.y);
      if (s.mode !== "swipe") return;
      event.currentTarget.setPointerCapture(event.pointerId);
    }
    setOffset(dx);
  }, []);

  const end = useCallback(
    (event: PointerEvent<HTMLElement>, cancelled: boolean) => {
      const s = start.current;
      if (!s || s.id !== event.pointerId) return;
      start.current = null;
      if (s.mode !== "swipe") return;
      swallowClick.current = true;
      setTimeout(() => (swallowClick.current = false), 0);
      setOffset(0);
      const direction = cancelled ? undefined : swipeOutcome(event.clientX - s.x);
      if (direction) onSwipe(direction);
    },
    [onSwipe],
  );

  const onClickCapture = useCallback((event: React.MouseEvent) => {
    if (!swallowClick.current) return;
    event.preventDefault();
    event.stopPropagation();
  }, []);

  return {
    offset,
    handlers: {
      onPointerDown,
      onPointerMove,
      onPointerUp: (event: PointerEvent<HTMLElement>) => end(event, false),
      onPointerCancel: (event: PointerEvent<HTMLElement>) => end(event, true),
      onClickCapture,
    },
  };
}
