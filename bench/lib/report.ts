// The results table: markdown, so the same text prints to the terminal and
// goes into bench/results/.
import type { Summary } from "./stats";

export interface Row {
  operation: string;
  http: Summary;
  sql: Summary;
  /** Rows the raw query returned or changed (the HTTP call's page size, count, …). */
  rows: string;
  /** Requests per second, for throughput rows: HTTP and raw SQL. */
  throughput?: { http: number; sql: number };
  plan: string;
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "–");

export function renderTable(rows: readonly Row[]): string {
  const header = ["operation", "HTTP p50 ms", "HTTP p99 ms", "SQL p50 ms", "SQL p99 ms", "n", "rows", "req/s HTTP / SQL", "raw query plan"];
  const lines = rows.map((r) => [
    r.operation,
    ms(r.http.p50),
    ms(r.http.p99),
    ms(r.sql.p50),
    ms(r.sql.p99),
    String(r.http.n),
    r.rows,
    r.throughput ? `${r.throughput.http.toFixed(0)} / ${r.throughput.sql.toFixed(0)}` : "",
    r.plan,
  ]);
  const all = [header, ...lines];
  const widths = header.map((_, i) => Math.max(...all.map((l) => l[i]!.length)));
  const fmt = (l: string[]) => `| ${l.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [fmt(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...lines.map(fmt)].join("\n");
}

/** A plain markdown table of text cells. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}
