// Arrow keys in a search's result list: Down from the field enters the list, Up from the first result
// goes back to the field, Home/End jump, Escape returns to the field. Tab moves through the links as
// usual; Enter opens the focused link.

/** -1 is the search field. */
export const FIELD = -1;

/** Where focus goes for `key` from `index` in a list of `count` results; null when the key is not ours. */
export function moveFocus(key: string, index: number, count: number): number | null {
  if (count === 0) return null;
  switch (key) {
    case "ArrowDown":
      return Math.min(index + 1, count - 1);
    case "ArrowUp":
      return index <= 0 ? FIELD : index - 1;
    case "Home":
      // In the field, Home and End move the caret.
      return index === FIELD ? null : 0;
    case "End":
      return index === FIELD ? null : count - 1;
    case "Escape":
      return index === FIELD ? null : FIELD;
    default:
      return null;
  }
}
