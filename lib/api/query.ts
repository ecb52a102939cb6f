// Inbox filters → the contract's OData query options. Kept pure so the exact strings are tested.

export type InboxView = "all" | "unread" | "dismissed";

export interface InboxFilters {
  view: InboxView;
  /** Exact group name, or undefined for every group. */
  group?: string;
  /** Free text; matched by the service against title, body and groupName. */
  search?: string;
}

// The contract's default page: a demo inbox (about 20) fits on one; a bigger one loads the next as it scrolls.
export const PAGE_SIZE = 50;
/** The badge's filter, exactly as the contract names it. */
export const UNREAD_COUNT_FILTER = "readState eq 'unread' and status eq 'active'";

/** An OData string literal: single quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function buildFilter(filters: InboxFilters): string | undefined {
  const clauses: string[] = [];
  if (filters.view === "unread") clauses.push("readState eq 'unread'");
  if (filters.view === "dismissed") clauses.push("userActionState eq 'dismissed'");
  if (filters.group !== undefined && filters.group !== "") clauses.push(`groupName eq ${odataString(filters.group)}`);
  return clauses.length > 0 ? clauses.join(" and ") : undefined;
}

/** `$search="words"`: double quotes inside would end the phrase early, so they become spaces. */
export function buildSearch(search: string | undefined): string | undefined {
  const words = (search ?? "").replace(/"/g, " ").replace(/\s+/g, " ").trim();
  return words ? `"${words}"` : undefined;
}

/**
 * Query string (without "?") for the first page of a list. Encoded by hand: `%20` for spaces rather
 * than URLSearchParams' `+`, which not every server decodes, and the `$` of option names kept as is.
 */
export function buildListQuery(filters: InboxFilters, top: number = PAGE_SIZE): string {
  const params: [string, string][] = [
    ["$top", String(top)],
    ["$orderby", "createdDateTime desc"],
  ];
  const filter = buildFilter(filters);
  if (filter) params.push(["$filter", filter]);
  const search = buildSearch(filters.search);
  if (search) params.push(["$search", search]);
  return params.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join("&");
}
