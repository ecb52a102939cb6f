// PGlite behind the Db seam. PGlite runs one query at a time in this process,
// so there is no pool: the instance is the connection.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import type { Db, QueryResult, Queryable, Session } from "../db";

export const MEMORY_DATA_DIR = "memory://";

export function isMemoryDataDir(dataDir: string): boolean {
  return dataDir.startsWith(MEMORY_DATA_DIR);
}

function wrap(q: PGlite | Transaction): Queryable {
  return {
    async query<T>(text: string, params: unknown[] = []): Promise<QueryResult<T>> {
      const res = await q.query<T>(text, params);
      return { rows: res.rows, affectedRows: res.affectedRows ?? 0 };
    },
    async exec(text: string): Promise<void> {
      await q.exec(text);
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
      return pg.transaction((tx) => fn(wrap(tx)));
    },
  };
  return {
    ...session,
    // PGlite has one session: the instance.
    session: (fn) => fn(session),
    async listen(channel, onNotify) {
      const unlisten = await pg.listen(channel, onNotify);
      return () => unlisten();
    },
    close: () => pg.close(),
  };
}
