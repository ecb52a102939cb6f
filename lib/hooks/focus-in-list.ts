// After a row leaves the list (deleted, snoozed, unsnoozed), keyboard focus stays in the list, on the
// row that took its place, rather than dropping to <body>; with no row left, on the search box. The
// neighbour is found by id: the list renders only the rows near the viewport, so the n-th row in the
// DOM is not the n-th item.

/** The item that takes the place of `items[index]` when it leaves: the next one, else the one before. */
export function neighbourOf<T extends { id: string }>(items: readonly T[], index: number): string | undefined {
  if (index < 0) return undefined;
  return (items[index + 1] ?? items[index - 1])?.id;
}

/** Focuses a row where keyboard focus rests on it: its open button (the title). False when not rendered. */
export function focusRow(list: HTMLElement | null, id: string): boolean {
  const button = list?.querySelector<HTMLElement>(`[data-item-id="${CSS.escape(id)}"] .item-open`);
  button?.focus();
  return !!button;
}

export function focusNearItem(list: HTMLElement | null, neighbourId: string | undefined): void {
  requestAnimationFrame(() => {
    if (neighbourId !== undefined && focusRow(list, neighbourId)) return;
    document.querySelector<HTMLElement>("input[type=search]")?.focus();
  });
}
