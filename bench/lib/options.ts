// Flags for `npm run bench:api`; the defaults are the full run the issue asks for.
import { parseArgs } from "node:util";

export interface BenchOptions {
  /** Ordinary users, each seeded with `perUser` notifications. */
  users: number;
  perUser: number;
  /** Notifications seeded for the one big user, whose inbox is measured. */
  big: number;
  /** Timed samples per read/PATCH measurement. */
  iterations: number;
  /** POSTs per throughput measurement (sequential, then concurrent). */
  posts: number;
  concurrency: number;
  /** Where the markdown table is written; empty: not written. */
  out: string | undefined;
}

export const BENCH_USAGE = `Usage: npm run bench:api -- [--users 1000] [--per-user 100] [--big 100000]
                           [--iterations 200] [--posts 500] [--concurrency 8] [--out FILE | --no-write]

Starts the local identity provider and the notifications service in-process
(PGlite in a temporary folder), seeds by bulk SQL, and prints p50/p99 of the
HTTP calls beside the raw SQL each one runs. The table is also written to
bench/results/api-<date>.md unless --no-write.`;

function positiveInt(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min) throw new Error(`--${name} must be an integer ≥ ${min}, not "${text}"`);
  return Number(text);
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions | "help" {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      users: { type: "string" },
      "per-user": { type: "string" },
      big: { type: "string" },
      iterations: { type: "string" },
      posts: { type: "string" },
      concurrency: { type: "string" },
      out: { type: "string" },
      "no-write": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  return {
    users: positiveInt("users", values.users, 1_000, 0),
    perUser: positiveInt("per-user", values["per-user"], 100, 0),
    // The deep page is page 50 at $top=50: the big inbox must fill it.
    big: positiveInt("big", values.big, 100_000, 50 * 50),
    iterations: positiveInt("iterations", values.iterations, 200),
    posts: positiveInt("posts", values.posts, 500),
    concurrency: positiveInt("concurrency", values.concurrency, 8),
    out: values["no-write"] ? undefined : (values.out ?? `bench/results/api-${new Date().toISOString().slice(0, 10)}.md`),
  };
}
