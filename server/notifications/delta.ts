// Delta (contract: "delta"): rounds of changes over (after, upTo] of the
// change sequence, carried from page to page and round to round by signed
// tokens bound to the user. The first round lists live items only; later
// rounds report changes and removals in change order.
import type { Db, Queryable } from "../store/db";
import { GraphError, badRequest } from "../http/graph-error";
import { PageTokenError, type PageTokenCodec } from "../http/page-token";
import { deltaChangesQuery, deltaRemovalsQuery, type NotificationRow, type Owner } from "./queries";
import { withSettledChanges } from "./changes";
import { purgeExpired } from "./service";
import { DAY_MS } from "./defaults";

/** How long a delta token stays usable: the history window. */
export const DELTA_RETENTION_MS = 30 * DAY_MS;
export const DEFAULT_DELTA_PAGE = 100;
export const MAX_DELTA_PAGE = 1000;

export type DeltaEntry = { kind: "changed"; row: NotificationRow } | { kind: "removed"; id: string; seq: string };

/**
 * One page of a delta round over (after, upTo]. The first round (liveOnly)
 * lists live items; later rounds report changes and removals in change order.
 * Returns the entries and the change number to continue after, if more follow.
 */
export async function deltaPage(
  db: Queryable,
  w: { tenantId: string; userId: string; now: Date; after: string; upTo: string; limit: number },
  liveOnly: boolean,
): Promise<{ entries: DeltaEntry[]; continueAfter: string | undefined }> {
  const fetch = { ...w, limit: w.limit + 1 };
  const changesSql = deltaChangesQuery(fetch, liveOnly);
  const changes = (await db.query<NotificationRow>(changesSql.text, changesSql.params)).rows;
  const merged: { seq: bigint; entry: DeltaEntry }[] = changes.map((row) => {
    const gone = row.status !== "active" || row.expiration.getTime() <= w.now.getTime();
    return {
      seq: BigInt(row.change_seq),
      entry: gone ? { kind: "removed", id: row.id, seq: row.change_seq } : { kind: "changed", row },
    };
  });
  if (!liveOnly) {
    const removalsSql = deltaRemovalsQuery(fetch);
    for (const r of (await db.query<{ id: string; change_seq: string }>(removalsSql.text, removalsSql.params)).rows) {
      merged.push({ seq: BigInt(r.change_seq), entry: { kind: "removed", id: r.id, seq: r.change_seq } });
    }
    merged.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
  }
  const page = merged.slice(0, w.limit);
  const more = merged.length > w.limit;
  return {
    entries: page.map((m) => m.entry),
    continueAfter: more ? page[page.length - 1]!.seq.toString() : undefined,
  };
}

/** `Prefer: odata.maxpagesize=n`: the page size (capped), and the Preference-Applied value when honoured. */
export function deltaPageSize(prefer: string | undefined): { pageSize: number; applied: string | undefined } {
  const m = /(?:^|[,;\s])odata\.maxpagesize\s*=\s*(\d{1,7})(?:$|[,;\s])/i.exec(prefer ?? "");
  const n = m ? Number(m[1]) : 0;
  if (n < 1) return { pageSize: DEFAULT_DELTA_PAGE, applied: undefined };
  const pageSize = Math.min(n, MAX_DELTA_PAGE);
  return { pageSize, applied: `odata.maxpagesize=${pageSize}` };
}

export interface DeltaRequest {
  owner: Owner;
  now: Date;
  /** At most one of the two (the route refuses both). */
  deltaToken: string | undefined;
  skipToken: string | undefined;
  pageSize: number;
}

export interface DeltaAnswer {
  entries: DeltaEntry[];
  /** The next page's $skiptoken, or the next round's $deltatoken when this round is complete. */
  next: { kind: "skip"; token: string } | { kind: "delta"; token: string };
}

/** One page of the round the request's token (or none: a first round) points at. */
export async function deltaRound(db: Db, tokens: PageTokenCodec, req: DeltaRequest): Promise<DeltaAnswer> {
  const { owner, now } = req;
  const binding = `${owner.tenantId}|${owner.userId}`;

  // A round covers changes in (after, upTo]; initial rounds list live items only.
  const decode = (kind: string, token: string) => {
    try {
      return tokens.decode(kind, binding, token);
    } catch (err) {
      if (err instanceof PageTokenError) throw badRequest(`${kind === "delta" ? "$deltatoken" : "$skiptoken"} is not valid.`);
      throw err;
    }
  };
  const checkAge = (started: unknown) => {
    if (typeof started !== "number") throw badRequest("The delta token is not valid.");
    if (now.getTime() - started > DELTA_RETENTION_MS) {
      throw new GraphError("resyncRequired", "The delta token has expired; start again without a token.");
    }
    return started;
  };
  const seqOf = (v: unknown) => {
    if (typeof v !== "string" || !/^\d{1,19}$/.test(v)) throw badRequest("The delta token is not valid.");
    return v;
  };
  type Round = { initial: boolean; after: string; upTo: string; started: number };
  const page = (q: Queryable, r: Round) => deltaPage(q, { ...owner, now, after: r.after, upTo: r.upTo, limit: req.pageSize }, r.initial);
  let state: Round;
  let result: Awaited<ReturnType<typeof deltaPage>>;
  if (req.skipToken !== undefined) {
    // A later page of a round: up to the end its first page fixed, which stays settled.
    const d = decode("deltaPage", req.skipToken);
    state = { initial: d.i === true, after: seqOf(d.a), upTo: seqOf(d.u), started: checkAge(d.t) };
    result = await page(db, state);
  } else {
    const since = req.deltaToken !== undefined ? decode("delta", req.deltaToken) : undefined;
    const started = since ? checkAge(since.t) : now.getTime();
    // Expired rows leave now, so this round can report them as removed.
    await purgeExpired(db, now, owner);
    // The round's end is read with the user's changes settled (changes.ts):
    // no change of this user at or below it can commit later.
    [state, result] = await withSettledChanges(db, owner, async (tx, upTo) => {
      const r: Round = since
        ? { initial: false, after: seqOf(since.s), upTo, started: now.getTime() }
        : { initial: true, after: "0", upTo, started };
      return [r, await page(tx, r)] as const;
    });
  }
  const { entries, continueAfter } = result;
  const next: DeltaAnswer["next"] =
    continueAfter !== undefined
      ? { kind: "skip", token: tokens.encode("deltaPage", binding, { i: state.initial, a: continueAfter, u: state.upTo, t: state.started }) }
      : { kind: "delta", token: tokens.encode("delta", binding, { s: state.upTo, t: state.started }) };
  return { entries, next };
}
