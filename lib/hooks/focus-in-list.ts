// After a row leaves the list (deleted, snoozed, unsnoozed), keyboard focus stays in the list, on the
// row that took its place, rather than dropping to <body>; with no row left, on the search box.
export function focusNearRow(list: HTMLElement | null, index: number): void {
  requestAnimationFrame(() => {
    const rows = list?.querySelectorAll<HTMLElement>("[data-item-id]");
    const row = rows?.[Math.min(index, rows.length - 1)];
    (row?.querySelector<HTMLElement>("button") ?? document.querySelector<HTMLElement>("input[type=search]"))?.focus();
  });
}
