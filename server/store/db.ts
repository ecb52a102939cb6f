// The driver seam: everything above it speaks PostgreSQL through these calls,
// so PGlite (drivers/pglite.ts) and PostgreSQL through node-postgres
// (drivers/postgres.ts) run the same SQL.

export interface QueryResult<T> {
  rows: T[];
  /** Rows an INSERT, UPDATE or DELETE changed (0 for anything else). */
  affectedRows: number;
}

export interface Queryable {
  /** One parameterized statement ($1, $2, …). */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<QueryResult<T>>;
  /** Parameterless, possibly multi-statement SQL (migrations). */
  exec(text: string): Promise<void>;
}

/** One database session (connection): what a statement sets for the session stays until it ends. */
export interface Session extends Queryable {
  /** Runs fn in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}

export interface Db extends Session {
  /** How many statements it can run at once: its pool's size on PostgreSQL, 1 on PGlite. */
  connections: number;
  /**
   * Runs fn on one session held for it alone (a dedicated connection taken
   * from the pool; PGlite's one session), for what must span statements on
   * one connection, such as a session advisory lock (migrations).
   */
  session<T>(fn: (s: Session) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` for every NOTIFY on `channel`, which PostgreSQL delivers
   * only once the notifying transaction commits (none on rollback). Resolves
   * to a function that stops listening. PGlite: the instance's own NOTIFYs;
   * PostgreSQL: every session's, through one listening connection per process
   * kept out of the pool. `null` means notifications may have been lost (the
   * listening connection was re-established): the listener should re-read.
   */
  listen(channel: string, onNotify: (payload: string | null) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** A SQL statement with its parameters, as the query builders return it. */
export interface Sql {
  text: string;
  params: unknown[];
}

/**
 * The store cannot be reached: its connection failed, was refused or ended
 * (the database is down, restarting, or not accepting connections), or it is
 * closed. Drivers throw it for any statement that failed for that reason, with
 * the driver's own error as `cause`; the HTTP layer answers it with Graph's 503
 * and Retry-After (a retry may well succeed), not a 500.
 */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreUnavailableError";
  }
}
