// The driver seam: everything above it speaks PostgreSQL through these calls,
// so node-postgres (a later issue) drops in beside PGlite.

export interface QueryResult<T> {
  rows: T[];
  affectedRows: number;
}

export interface Queryable {
  /** One parameterized statement ($1, $2, …). */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<QueryResult<T>>;
  /** Parameterless, possibly multi-statement SQL (migrations). */
  exec(text: string): Promise<void>;
}

export interface Db extends Queryable {
  /** Runs fn in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` for every NOTIFY on `channel`, which PostgreSQL delivers
   * only once the notifying transaction commits (none on rollback). Resolves
   * to a function that stops listening. PGlite: the instance's own NOTIFYs;
   * node-postgres: one listening connection per process, kept out of the pool.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** A SQL statement with its parameters, as the query builders return it. */
export interface Sql {
  text: string;
  params: unknown[];
}
