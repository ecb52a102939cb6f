// The pure parts of a menu button (WAI-ARIA APG "Menu Button"): which item a key moves to, and where
// the menu opens so it stays inside what can show it (the viewport, or the dialog it sits in).

/** The index a key moves focus to among `count` items (wrapping), or null for a key the menu ignores. */
export function nextMenuIndex(key: string, current: number, count: number): number | null {
  if (count === 0) return null;
  switch (key) {
    case "ArrowDown":
      return current < 0 ? 0 : (current + 1) % count;
    case "ArrowUp":
      return current < 0 ? count - 1 : (current - 1 + count) % count;
    case "Home":
    case "PageUp":
      return 0;
    case "End":
    case "PageDown":
      return count - 1;
    default:
      return null;
  }
}

export interface Box {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export interface MenuPlacement {
  /** Below the button, or above it when only that fits (or fits better). */
  vertical: "below" | "above";
  /** "end": the menu's right edge under the button's; "start": its left edge under the button's. */
  horizontal: "end" | "start";
  /** Pixels to move the menu right (or left, negative) so it stays inside when neither edge fits. */
  shift: number;
}

/** Kept clear between the menu and the edge of what shows it. */
const MARGIN = 8;

export function menuPlacement(button: Box, menu: { width: number; height: number }, bounds: Box): MenuPlacement {
  const below = bounds.bottom - MARGIN - button.bottom;
  const above = button.top - (bounds.top + MARGIN);
  const vertical = below >= menu.height || below >= above ? "below" : "above";

  const min = bounds.left + MARGIN;
  const max = bounds.right - MARGIN;
  const endFits = button.right - menu.width >= min;
  const startFits = button.left + menu.width <= max;
  const horizontal = endFits || (!startFits && button.right - min >= max - button.left) ? "end" : "start";
  const left = horizontal === "end" ? button.right - menu.width : button.left;
  let shift = 0;
  if (left < min) shift = min - left;
  else if (left + menu.width > max) shift = Math.max(min - left, max - (left + menu.width));
  return { vertical, horizontal, shift: Math.round(shift) };
}
