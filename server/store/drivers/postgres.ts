// PostgreSQL (DATABASE_URL) behind the Db seam, through node-postgres: a pool
// for statements and transactions, and one connection of its own for LISTEN
// that reconnects when it is lost. The SQL is the same as on PGlite.
import pg from "pg";
import { StoreUnavailableError, type Db, type QueryResult, type Queryable, type Session } from "../db";

/** The start-up check could not reach the database: the message says where and why, never the password. */
export class DatabaseUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    super(`DATABASE_URL: cannot connect to PostgreSQL at ${describeUrl(url)}: ${reasonOf(cause)}`);
    this.name = "DatabaseUnreachableError";
  }
}

/** `user@host:port/database` of a connection string, without its password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : "";
    const host = u.host || new URLSearchParams(u.search).get("host") || "localhost";
    return `${user}${host}${u.pathname || "/"}`;
  } catch {
    return "(an unparsable URL)";
  }
}

function reasonOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // Node reports a refused connection to every address of a name as an AggregateError with no message.
  const code = (err as NodeJS.ErrnoException).code;
  if (err.message) return err.message;
  if (err instanceof AggregateError && err.errors[0] instanceof Error && err.errors[0].message) return err.errors[0].message;
  return code ?? err.name;
}

/**
 * int8 as a JS number, as PGlite returns it, so both drivers hand the same
 * values up (every counter here stays far below 2^53).
 */
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === pg.types.builtins.INT8) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

function resultOf<T>(res: pg.QueryResult | pg.QueryResult[]): QueryResult<T> {
  // A multi-statement text (simple protocol) answers one result per statement: the last one counts.
  const last = Array.isArray(res) ? res[res.length - 1] : res;
  const changed = last && ["INSERT", "UPDATE", "DELETE", "MERGE"].includes(last.command);
  return { rows: (last?.rows ?? []) as T[], affectedRows: changed ? (last.rowCount ?? 0) : 0 };
}

/** Socket errors of a connection that could not be made or broke. */
const CONNECTION_ERRNOS = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ECONNABORTED"]);
/** node-postgres's own words for a connection that ended, timed out, or a pool that was ended. */
const CONNECTION_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed|Cannot use a pool after calling end)/i;

/**
 * Whether `err` means the connection failed, not the statement: a FATAL from
 * the server (it ended the session: shutdown, pg_terminate_backend, a database
 * not accepting connections, too many connections), SQLSTATE class 08
 * (connection exception) or 57P (operator intervention), a socket error, or
 * node-postgres's own connection messages.
 */
export function isConnectionFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { code?: unknown; severity?: unknown };
  if (e.severity === "FATAL" || e.severity === "PANIC") return true;
  if (typeof e.code === "string" && (e.code.startsWith("08") || e.code.startsWith("57P") || CONNECTION_ERRNOS.has(e.code))) return true;
  if (err instanceof AggregateError && err.errors.some(isConnectionFailure)) return true;
  return CONNECTION_MESSAGES.test(err.message);
}

/** The statement's own error, or, if the connection failed, a StoreUnavailableError (the HTTP layer's 503). */
async function guarded<T>(run: Promise<T>): Promise<T> {
  try {
    return await run;
  } catch (err) {
    if (err instanceof StoreUnavailableError || !isConnectionFailure(err)) throw err;
    throw new StoreUnavailableError(`PostgreSQL is unavailable: ${reasonOf(err)}`, { cause: err });
  }
}

type Client = pg.Pool | pg.PoolClient | pg.Client;

function queryable(client: Client): Queryable {
  return {
    async query<T>(text: string, params: unknown[] = []): Promise<QueryResult<T>> {
      // No parameters: the simple protocol, which also runs multi-statement text (pg-boss's setup).
      const res = await guarded(params.length > 0 ? client.query(text, params) : client.query(text));
      return resultOf<T>(res as pg.QueryResult | pg.QueryResult[]);
    },
    async exec(text: string): Promise<void> {
      await guarded(client.query(text));
    },
  };
}

/** BEGIN … COMMIT on a client held for it; ROLLBACK if fn throws. */
async function inTransaction<T>(client: pg.PoolClient, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  await guarded(client.query("BEGIN"));
  try {
    const result = await fn(queryable(client));
    await guarded(client.query("COMMIT"));
    return result;
  } catch (err) {
    await guarded(client.query("ROLLBACK"));
    throw err;
  }
}

/**
 * A held client's connection that breaks between its statements emits 'error'
 * (the pool listens only while a client is idle): without a listener that
 * would end the process; with it, the client's next statement fails instead.
 */
function heldClientFailed(err: Error): void {
  console.error("[store] a PostgreSQL connection in use failed:", err.message);
}

/** Runs fn on a client of its own; a client that failed in a way that may leave it mid-transaction is discarded. */
async function withClient<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await guarded(pool.connect());
  client.on("error", heldClientFailed);
  try {
    const result = await fn(client);
    client.off("error", heldClientFailed);
    client.release();
    return result;
  } catch (err) {
    client.off("error", heldClientFailed);
    client.release(err instanceof Error ? err : true);
    throw err;
  }
}

export interface PostgresOptions {
  /** Pool size (default 10). */
  max?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  /** First wait before re-establishing a lost LISTEN connection (default 500 ms; doubles up to 30 s). */
  listenRetryMs?: number;
}

/** Connects to `url` (checked now: an unreachable database is a DatabaseUnreachableError). */
export async function openPostgresDb(url: string, opts: PostgresOptions = {}): Promise<Db> {
  const config: pg.PoolConfig = {
    connectionString: url,
    max: opts.max ?? 10,
    application_name: opts.applicationName ?? "graph-notifications",
    connectionTimeoutMillis: 10_000,
    types,
  };
  const pool = new pg.Pool(config);
  // An idle pooled connection that breaks (a database restart) is dropped from the pool; the next query opens another.
  pool.on("error", (err) => console.error("[store] an idle PostgreSQL connection failed:", err.message));
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new DatabaseUnreachableError(url, err);
  }

  const listener = createListener(config, opts.listenRetryMs ?? 500);
  const pooled = queryable(pool);
  return {
    connections: config.max!,
    query: pooled.query,
    exec: pooled.exec,
    transaction: (fn) => withClient(pool, (client) => inTransaction(client, fn)),
    session: (fn) =>
      withClient(pool, (client) => {
        const s: Session = { ...queryable(client), transaction: (txFn) => inTransaction(client, txFn) };
        return fn(s);
      }),
    listen: listener.listen,
    async close() {
      await listener.close();
      await pool.end();
    },
  };
}

type Handler = (payload: string | null) => void;

/**
 * One LISTEN connection per process for every channel. When it is lost it is
 * re-established with backoff, LISTENs again, and tells every listener that
 * notifications may have been missed (`null`).
 */
function createListener(config: pg.ClientConfig, retryMs: number) {
  const channels = new Map<string, Set<Handler>>();
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let delay = retryMs;
  let closed = false;

  const quote = (channel: string) => `"${channel.replace(/"/g, '""')}"`;

  function connect(): Promise<pg.Client> {
    if (client) return Promise.resolve(client);
    connecting ??= (async () => {
      const c = new pg.Client({ ...config, application_name: `${config.application_name ?? "graph-notifications"} (listen)` });
      c.on("notification", (msg) => {
        for (const h of channels.get(msg.channel) ?? []) h(msg.payload ?? "");
      });
      c.on("error", (err) => {
        if (!closed) console.error("[store] the LISTEN connection failed:", err.message);
        lost(c);
      });
      c.on("end", () => lost(c));
      try {
        await c.connect();
        for (const channel of channels.keys()) await c.query(`LISTEN ${quote(channel)}`);
      } catch (err) {
        c.removeAllListeners("end");
        await c.end().catch(() => undefined);
        throw err;
      }
      client = c;
      delay = retryMs;
      return c;
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
  }

  function lost(c: pg.Client): void {
    if (client !== c) return;
    client = undefined;
    c.end().catch(() => undefined);
    if (!closed) scheduleReconnect();
  }

  function scheduleReconnect(): void {
    if (retryTimer || closed) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connect().then(
        () => {
          // NOTIFYs sent while it was down are gone: every listener re-reads.
          for (const handlers of channels.values()) for (const h of handlers) h(null);
        },
        (err: unknown) => {
          console.error(`[store] re-establishing the LISTEN connection failed (retrying in ${delay} ms):`, reasonOf(err));
          delay = Math.min(delay * 2, 30_000);
          scheduleReconnect();
        },
      );
    }, delay);
    retryTimer.unref();
  }

  return {
    async listen(channel: string, onNotify: Handler): Promise<() => Promise<void>> {
      let handlers = channels.get(channel);
      const first = !handlers;
      if (!handlers) channels.set(channel, (handlers = new Set()));
      handlers.add(onNotify);
      try {
        const c = await connect();
        // A (re)connect that ran after the channel was added has LISTENed already; LISTEN twice is harmless.
        if (first) await c.query(`LISTEN ${quote(channel)}`);
      } catch (err) {
        handlers.delete(onNotify);
        if (handlers.size === 0) channels.delete(channel);
        throw err;
      }
      return async () => {
        const set = channels.get(channel);
        if (!set?.delete(onNotify) || set.size > 0) return;
        channels.delete(channel);
        await client?.query(`UNLISTEN ${quote(channel)}`).catch(() => undefined);
      };
    },
    async close(): Promise<void> {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      await connecting?.catch(() => undefined);
      const c = client;
      client = undefined;
      channels.clear();
      await c?.end().catch(() => undefined);
    },
  };
}
