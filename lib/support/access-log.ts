// The access log in words: which part of a user's data a support read was about, and one support
// visit (many reads: the summary, the inbox, the devices, a timeline) told as one entry.
import type { AccessLogEntry } from "@/contracts/support";

/** What a logged route read, as a noun phrase: "the inbox", "the devices", "a notification's delivery". */
export function describeAccessRoute(route: string): string {
  const path = route.replace(/^[A-Z]+\s+/, "").split("?")[0] ?? "";
  const at = path.indexOf("/users/");
  if (at < 0) return route;
  const [, id, ...rest] = path.slice(at + 1).split("/").filter((s) => s !== "");
  if (!id) return route;
  const tail = rest.join("/");
  if (tail === "") return "the account summary";
  if (tail === "notifications") return "the inbox";
  if (tail === "notifications/$count") return "the unread count";
  if (tail === "notifications/subscriptions" || tail.startsWith("notifications/subscriptions/")) return "the devices";
  if (tail === "notifications/events") return "the history of the notifications";
  if (tail === "notifications/delta") return "the inbox";
  if (/^notifications\/[^/]+\/deliveries$/.test(tail)) return "a notification's delivery";
  if (/^notifications\/[^/]+\/events$/.test(tail)) return "a notification's history";
  if (/^notifications\/[^/]+$/.test(tail)) return "one notification";
  return route;
}

export interface AccessVisit {
  key: string;
  actor: AccessLogEntry["actor"];
  reason: string;
  /** The first and last read of the visit. */
  from: string;
  to: string;
  /** What was read, in the order it was first read, each once. */
  what: string[];
  reads: number;
  entries: AccessLogEntry[];
}

/** Reads by the same person for the same reason, no more than this apart, are one visit. */
export const VISIT_GAP_MS = 30 * 60 * 1000;

/** Entries (any order) grouped into visits, newest visit first. */
export function groupAccessVisits(entries: AccessLogEntry[], gapMs: number = VISIT_GAP_MS): AccessVisit[] {
  const newestFirst = [...entries].sort((a, b) => Date.parse(b.dateTime) - Date.parse(a.dateTime));
  const visits: AccessVisit[] = [];
  let current: AccessVisit | undefined;
  for (const entry of newestFirst) {
    const continues =
      current !== undefined &&
      current.actor.id === entry.actor.id &&
      current.reason === entry.reason &&
      Date.parse(current.from) - Date.parse(entry.dateTime) <= gapMs;
    if (!continues) {
      current = { key: entry.id, actor: entry.actor, reason: entry.reason, from: entry.dateTime, to: entry.dateTime, what: [], reads: 0, entries: [] };
      visits.push(current);
    }
    current!.from = entry.dateTime;
    current!.reads++;
    current!.entries.push(entry);
  }
  for (const visit of visits) {
    // Oldest read first: "the account summary, the inbox, a notification's delivery".
    const oldestFirst = [...visit.entries].reverse();
    visit.what = [...new Set(oldestFirst.map((e) => describeAccessRoute(e.route)))];
  }
  return visits;
}

/** "the inbox, the devices and a notification's delivery". */
export function listInWords(items: string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** The support person as the log names them. */
export function actorName(actor: AccessLogEntry["actor"]): string {
  return actor.displayName?.trim() || actor.userPrincipalName?.trim() || "A support person";
}
