// System query options: only the ones a route names are accepted, each once.
import { FilterError, filterShape, parseFilter, type FilterClause } from "../notifications/filter";
import { badRequest } from "./graph-error";

export function queryOptions(url: URL, allowed: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of url.searchParams) {
    if (!allowed.includes(key)) {
      throw badRequest(
        allowed.length
          ? `Query option '${key}' is not supported here (supported: ${allowed.join(", ")}).`
          : `Query option '${key}' is not supported here.`,
      );
    }
    if (out.has(key)) throw badRequest(`Query option '${key}' is given more than once.`);
    if (value.includes("\u0000")) throw badRequest(`Query option '${key}' contains a NUL character.`);
    out.set(key, value);
  }
  return out;
}

export const MAX_TOP = 200;
export const DEFAULT_TOP = 50;

export function parseTop(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TOP;
  if (!/^\d{1,4}$/.test(value)) throw badRequest(`$top must be a whole number from 1 to ${MAX_TOP}.`);
  const n = Number(value);
  if (n < 1 || n > MAX_TOP) throw badRequest(`$top must be a whole number from 1 to ${MAX_TOP}.`);
  return n;
}

export function parseFilterOption(value: string | undefined): FilterClause[] {
  if (value === undefined) return [];
  try {
    return parseFilter(value);
  } catch (err) {
    if (err instanceof FilterError) throw badRequest(`$filter: ${err.message}`);
    throw err;
  }
}

export function parseOrderBy(value: string | undefined): "desc" | "asc" {
  if (value === undefined) return "desc";
  const m = /^\s*createdDateTime(?:\s+(asc|desc))?\s*$/i.exec(value);
  if (!m) throw badRequest("$orderby supports only 'createdDateTime desc' or 'createdDateTime asc'.");
  return (m[1]?.toLowerCase() as "asc" | "desc" | undefined) ?? "asc";
}

export function parseCount(value: string | undefined): boolean {
  if (value === undefined) return false;
  if (value === "true") return true;
  if (value === "false") return false;
  throw badRequest("$count must be true or false.");
}

/** $search="words": each word must appear (case-insensitively) in title, body or groupName. */
export function parseSearch(value: string | undefined): string[] {
  if (value === undefined) return [];
  let text = value.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1);
  if (text.includes('"')) throw badRequest('$search must be one quoted phrase, e.g. $search="build failed".');
  if (text.length > 256) throw badRequest("$search is longer than 256 characters.");
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length === 0) throw badRequest("$search is empty.");
  if (words.length > 8) throw badRequest("$search has more than 8 words.");
  return words;
}

/** The parts of a list query a skiptoken must agree with (everything but $top and the token). */
export function listShape(filters: readonly FilterClause[], order: string, search: readonly string[]): string {
  return `${order}|${filterShape(filters)}|${search.join(" ").toLowerCase()}`;
}
