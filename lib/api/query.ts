// Inbox filters → the contract's OData query options. Kept pure so the exact strings are tested.

export type InboxView = "all" | "unread" | "dismissed" | "snoozed";

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
  if (filters.view === "snoozed") clauses.push("userActionState eq 'snoozed'");
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

// ---- support: another user's inbox, the directory, the logs ---------------------------------------

/** What support's read-only inbox shows: live items by state, or the deleted tombstones. */
export type SupportStateFilter = "all" | "unread" | "read" | "noInteraction" | "activated" | "dismissed" | "snoozed" | "deleted";

export interface SupportInboxFilters {
  state: SupportStateFilter;
  group?: string;
  priority?: "None" | "High" | "Low";
  search?: string;
}

export function buildSupportFilter(filters: SupportInboxFilters): string | undefined {
  const clauses: string[] = [];
  switch (filters.state) {
    case "all":
      break;
    case "unread":
    case "read":
      clauses.push(`readState eq '${filters.state}'`);
      break;
    case "deleted":
      // Deleted items are left out unless the filter names status (contract: "Reading history").
      clauses.push("status eq 'deleted'");
      break;
    default:
      clauses.push(`userActionState eq '${filters.state}'`);
  }
  if (filters.group !== undefined && filters.group !== "") clauses.push(`groupName eq ${odataString(filters.group)}`);
  if (filters.priority !== undefined) clauses.push(`priority eq '${filters.priority}'`);
  return clauses.length > 0 ? clauses.join(" and ") : undefined;
}

function encodeQuery(params: [string, string | undefined][]): string {
  return params
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join("&");
}

/** First page of another user's inbox, newest first: the same options as the user's own list. */
export function buildSupportListQuery(filters: SupportInboxFilters, top: number = PAGE_SIZE): string {
  return encodeQuery([
    ["$top", String(top)],
    ["$orderby", "createdDateTime desc"],
    ["$filter", buildSupportFilter(filters)],
    ["$search", buildSearch(filters.search)],
  ]);
}

/** How many people a directory search shows. */
export const DIRECTORY_PAGE_SIZE = 20;

/** `GET /users?$search="text"&$top=20`. */
export function buildDirectoryQuery(text: string, top: number = DIRECTORY_PAGE_SIZE): string {
  return encodeQuery([
    ["$search", buildSearch(text)],
    ["$top", String(top)],
  ]);
}

/** The event log of one notification: `$filter=notificationId eq '…'`. */
export function buildNotificationEventsQuery(notificationId: string): string {
  return encodeQuery([["$filter", `notificationId eq ${odataString(notificationId)}`]]);
}

/** The access log about one user: `$filter=userId eq '…'&$top=…`. */
export function buildAccessLogQuery(userId: string | undefined, top: number): string {
  return encodeQuery([
    ["$filter", userId === undefined ? undefined : `userId eq ${odataString(userId)}`],
    ["$top", String(top)],
  ]);
}
