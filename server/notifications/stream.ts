// The live stream (contract: "The live stream"): `GET /me/notifications/stream`
// as Server-Sent Events. One hub per service instance listens on the events
// channel, on one connection whatever the number of streams: every committed
// change NOTIFYs it with the users it changed (migrations 5 and 9), from any
// instance. For each named user with open streams here, the hub reads once
// what changed since their position — the same rows delta reports, read with
// that user's changes settled (changes.ts) — and sends it to each of them as
// `changed` events, then the unread count. Event ids are encrypted, authenticated positions
// (the page-token codec): they resume exactly with Last-Event-ID and reveal
// nothing (no change counter shared across users). A position too old for
// the history, or not genuine, is answered with `resync`.
import type { PageTokenCodec } from "../http/page-token";
import type { Db } from "../store/db";
import { NOTIFICATION_EVENTS_CHANNEL } from "../store/migrations";
import { DELTA_RETENTION_MS, deltaPage, type DeltaEntry } from "./delta";
import type { NotificationRow, Owner } from "./queries";
import { withSettledChanges } from "./changes";

/** One Server-Sent Event, or a comment (heartbeat). */
export type StreamMessage =
  | { event: "changed"; id: string; data: unknown }
  | { event: "unreadCount"; id?: string; data: { unreadCount: number } }
  | { event: "resync"; data: { reason: string } }
  | { comment: string };

export interface StreamOptions {
  /** Comment heartbeat interval; default 25 s (contract). */
  heartbeatMs?: number;
  /** Changes read per round per stream. Default 200. */
  batch?: number;
}

export interface StreamHub {
  /**
   * Opens a stream for `owner` at a resume position (Last-Event-ID) or at
   * now; `send` gets its messages until the returned function closes it.
   * `end` is called if the hub closes first (the service is stopping): the
   * stream should end, so its client reconnects (Last-Event-ID resumes it).
   */
  open(owner: Owner, lastEventId: string | undefined, send: (m: StreamMessage) => void, end?: () => void): Promise<() => void>;
  /** Open streams (for metrics and benchmarks). */
  readonly size: number;
  close(): Promise<void>;
}

interface Subscriber {
  owner: Owner;
  /** The last change number this stream has been sent. */
  seq: string;
  send: (m: StreamMessage) => void;
  end: (() => void) | undefined;
  closed: boolean;
}

export interface StreamDeps {
  db: Db;
  tokens: PageTokenCodec;
  now: () => Date;
  /** Turns a row into the wire resource (as delta shows it). */
  toResource: (row: NotificationRow, now: Date) => unknown;
  unreadCount: (owner: Owner, now: Date) => Promise<number>;
}

const keyOf = (o: Owner) => `${o.tenantId}|${o.userId}`;

export async function createStreamHub(deps: StreamDeps, opts: StreamOptions = {}): Promise<StreamHub> {
  const { db, tokens } = deps;
  const batch = opts.batch ?? 200;
  const byUser = new Map<string, Set<Subscriber>>();
  let size = 0;
  let closed = false;
  /** Every catch-up and every open runs one at a time, in order: no stream is sent a change twice or misses one. */
  let chain: Promise<unknown> = Promise.resolve();
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  }
  /** Users named by NOTIFYs and not caught up yet; "*": every user with a stream (notifications may have been lost). */
  const pending = new Set<string>();
  let queued = false;

  const idOf = (owner: Owner, seq: string, now: Date) => tokens.encode("stream", keyOf(owner), { s: seq, t: now.getTime() });

  function entryData(e: DeltaEntry, now: Date): unknown {
    return e.kind === "changed" ? deps.toResource(e.row, now) : { id: e.id, "@removed": { reason: "deleted" } };
  }

  /** Sends the subscribers of one user, all at position `from`, what changed after it. */
  async function catchUp(owner: Owner, subs: Subscriber[], from: string, alwaysCount = false): Promise<void> {
    const now = deps.now();
    let after = from;
    let sent = false;
    for (;;) {
      const { entries, continueAfter, upTo } = await withSettledChanges(db, owner, async (tx, upTo) => ({
        ...(await deltaPage(tx, { ...owner, now, after, upTo, limit: batch }, false)),
        upTo,
      }));
      for (const e of entries) {
        const seq = e.kind === "changed" ? e.row.change_seq : e.seq;
        const msg: StreamMessage = { event: "changed", id: idOf(owner, seq, now), data: entryData(e, now) };
        for (const s of subs) if (!s.closed) s.send(msg);
        sent = true;
      }
      after = continueAfter ?? upTo;
      if (continueAfter === undefined) break;
    }
    for (const s of subs) s.seq = after;
    if (sent || alwaysCount) {
      const unreadCount = await deps.unreadCount(owner, now);
      const msg: StreamMessage = { event: "unreadCount", id: idOf(owner, after, now), data: { unreadCount } };
      for (const s of subs) if (!s.closed) s.send(msg);
    }
  }

  /** One user's open streams, grouped by position (resumed ones may lag). */
  async function pumpUser(key: string): Promise<void> {
    const subs = [...(byUser.get(key) ?? [])].filter((s) => !s.closed);
    const groups = new Map<string, Subscriber[]>();
    for (const s of subs) (groups.get(s.seq) ?? groups.set(s.seq, []).get(s.seq)!).push(s);
    for (const [seq, group] of groups) await catchUp(group[0]!.owner, group, seq);
  }

  /** Catches up every user named since the last pump (each once, however many NOTIFYs named them). */
  async function pump(): Promise<void> {
    queued = false;
    const keys = pending.has("*") ? [...byUser.keys()] : [...pending];
    pending.clear();
    for (const key of keys) if (byUser.has(key)) await pumpUser(key);
  }

  /** A NOTIFY naming a user ('tenant|user'), or null/empty: any user may have changed. */
  function kick(payload: string | null): void {
    if (closed) return;
    // Kept even with no stream open for the user yet: one opening now may have read its position before this change.
    pending.add(payload ? payload : "*");
    if (queued) return;
    queued = true;
    serial(pump).catch((err: unknown) => console.error("[stream] catching up failed:", err));
  }

  const unlisten = await db.listen(NOTIFICATION_EVENTS_CHANNEL, kick);
  const heartbeat = setInterval(() => {
    for (const subs of byUser.values()) for (const s of subs) s.send({ comment: "heartbeat" });
  }, opts.heartbeatMs ?? 25_000);
  heartbeat.unref();

  return {
    get size() {
      return size;
    },
    open(owner, lastEventId, send, end) {
      return serial(async () => {
        const now = deps.now();
        const key = keyOf(owner);
        // Now, with this user's changes settled: a change committing later is above it.
        const sub: Subscriber = { owner, seq: await withSettledChanges(db, owner, async (_tx, upTo) => upTo), send, end, closed: false };
        let resumeFrom: string | undefined;
        if (lastEventId !== undefined) {
          let data: Record<string, unknown> | undefined;
          try {
            data = tokens.decode("stream", key, lastEventId);
          } catch {
            data = undefined;
          }
          const fresh = data && typeof data.t === "number" && now.getTime() - data.t <= DELTA_RETENTION_MS;
          if (data && fresh && typeof data.s === "string" && /^\d{1,19}$/.test(data.s) && BigInt(data.s) <= BigInt(sub.seq)) {
            resumeFrom = data.s;
          } else {
            send({ event: "resync", data: { reason: data ? "The position is too old to resume; catch up with delta." : "Last-Event-ID is not a position of this stream." } });
          }
        }
        (byUser.get(key) ?? byUser.set(key, new Set()).get(key)!).add(sub);
        size++;
        // Resumed: what changed since the position, then the count. New: the count now.
        if (resumeFrom !== undefined) await catchUp(owner, [sub], resumeFrom, true);
        else send({ event: "unreadCount", id: idOf(owner, sub.seq, now), data: { unreadCount: await deps.unreadCount(owner, now) } });
        return () => {
          if (sub.closed) return;
          sub.closed = true;
          size--;
          const current = byUser.get(key);
          current?.delete(sub);
          if (current?.size === 0) byUser.delete(key);
        };
      });
    },
    async close() {
      closed = true;
      clearInterval(heartbeat);
      await unlisten();
      await chain;
      for (const subs of byUser.values()) {
        for (const s of subs) {
          s.closed = true;
          s.end?.();
        }
      }
      byUser.clear();
      size = 0;
    },
  };
}

/** An SSE message as text. */
export function formatMessage(m: StreamMessage): string {
  if ("comment" in m) return `: ${m.comment}\n\n`;
  const id = "id" in m && m.id !== undefined ? `id: ${m.id}\n` : "";
  return `${id}event: ${m.event}\ndata: ${JSON.stringify(m.data)}\n\n`;
}
