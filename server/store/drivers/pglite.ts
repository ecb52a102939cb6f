// PGlite behind the Db seam. PGlite runs one query at a time in this process,
// so there is no pool: the instance is the connection.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { StoreUnavailableError, type Db, type QueryResult, type Queryable, type Session } from "../db";

export const MEMORY_DATA_DIR = "memory://";

export function isMemoryDataDir(dataDir: string): boolean {
  return dataDir.startsWith(MEMORY_DATA_DIR);
}

/** A statement on a closed instance failed for that reason: StoreUnavailableError (the HTTP layer's 503). */
async function guarded<T>(pg: PGlite, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (pg.closed) throw new StoreUnavailableError("PGlite is closed", { cause: err });
    throw err;
  }
}

function wrap(pg: PGlite, q: PGlite | Transaction = pg): Queryable {
  return {
    async query<T>(text: string, params: unknown[] = []): Promise<QueryResult<T>> {
      const res = await guarded(pg, () => q.query<T>(text, params));
      return { rows: res.rows, affectedRows: res.affectedRows ?? 0 };
    },
    async exec(text: string): Promise<void> {
      await guarded(pg, () => q.exec(text));
    },
  };
}

/** Opens PGlite in `$dataDir/pglite`, or in memory for `memory://`. */
export async function openPgliteDb(dataDir: string): Promise<Db> {
  let pg: PGlite;
  if (isMemoryDataDir(dataDir)) {
    pg = await PGlite.create();
  } else {
    // PGlite creates its own folder non-recursively: make the parent first.
    await mkdir(dataDir, { recursive: true });
    pg = await PGlite.create(path.join(dataDir, "pglite"));
  }
  const base = wrap(pg);
  const session: Session = {
    query: base.query,
    exec: base.exec,
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return guarded(pg, () => pg.transaction((tx) => fn(wrap(pg, tx))));
    },
  };
  return {
    ...session,
    connections: 1,
    // PGlite has one session: the instance.
    session: (fn) => fn(session),
    async listen(channel, onNotify) {
      const unlisten = await pg.listen(channel, onNotify);
      return () => unlisten();
    },
    close: () => pg.close(),
  };
}
