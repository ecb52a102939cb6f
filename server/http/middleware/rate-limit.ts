// Rate limits (rate-limiter-flexible): per authenticated caller, per
// recipient of sends, and per client address for failed sign-ins, checked
// before a token is verified. Over a limit: 429 activityLimitReached with
// Retry-After in whole seconds, and nothing is written.
//
// What a limit is: a fixed window of `burst` requests per `burst / perSecond`
// seconds (100 per 5 s by default), opened by a key's first request. That is
// the token bucket the README promises in the long run and at the start of a
// burst: a caller may send `burst` at once, and `perSecond` a second over any
// longer stretch. It differs in two ways: the window refills all at once at
// its end (Retry-After is the wait until then, at most burst/perSecond s, where
// a bucket would say 1 s), and a caller that spends a window's last requests
// just before it ends and the next window's just after can pass up to twice
// the burst within a moment. rate-limiter-flexible has no token bucket; one
// upsert per request and key is what the store can afford.
//
// Where the counters live: in this process's memory on PGlite (one process
// owns the store); in the `rate_limits` table (migration 13) with
// DATABASE_URL, so every instance counts against the same windows. A failed
// counter query falls back to this instance's memory (the insurance limiter)
// and is logged: a database hiccup never turns into a refusal of its own, and
// the request then meets the store as every request does (503 if it is down).
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { RateLimitConfig } from "../../config";
import type { Queryable } from "../../store/db";
import type { Principal } from "../authenticate";
import { clientAddress } from "../client-address";
import type { AppContext } from "../env";
import { GraphError } from "../graph-error";

/** The limiters, as metrics label them. */
export type RateLimiterName = "caller" | "recipient" | "failedAuth";

/** The table migration 13 creates, in rate-limiter-flexible's own layout (key, points, expire in ms since the epoch). */
export const RATE_LIMIT_TABLE = "rate_limits";

export interface RateLimits {
  readonly enabled: boolean;
  /** The request's client address as a key (TRUST_PROXY applied); undefined when it carries none (an in-process call). */
  clientAddress(c: AppContext): string | undefined;
  /**
   * Before a token is verified: 429 if this client address has been refused
   * too often in its current window (learned from its failures here; with
   * PostgreSQL another instance's count is met at the address's next failure).
   */
  checkClient(address: string): void;
  /** A request from `address` was refused 401: counts it, and throws the 429 if this one went over. */
  failedAuthentication(address: string): Promise<void>;
  /**
   * One request of an authenticated caller (each request of a `$batch` is one):
   * a user, an app, or a user's action tokens (push buttons and receipts,
   * counted apart from the user's own requests).
   */
  consumeCaller(p: Principal): Promise<void>;
  /** One notification sent to a user, by whichever sender. */
  consumeRecipient(owner: { tenantId: string; userId: string }): Promise<void>;
  /** Deletes counters whose window ended (PostgreSQL; maintenance calls it). */
  prune(): Promise<void>;
}

export interface RateLimitDeps {
  /** The PostgreSQL store the counters are shared through; undefined: this process's memory (PGlite). */
  db: Queryable | undefined;
  /** TRUST_PROXY: proxies in front of the service whose X-Forwarded-For entries are believed (client-address.ts). */
  trustProxy: number;
  /** Told of every 429, by limiter (the metrics). */
  onLimited?: (limiter: RateLimiterName) => void;
}

const FAILED_AUTH_WINDOW_SECONDS = 60;
/** Counters are deleted this long after their window ended (a little slack for clocks that differ between instances). */
const PRUNE_AFTER_MS = 60_000;
/** Blocked addresses remembered at most; expired ones are swept when the map grows past it. */
const MAX_BLOCKED = 10_000;
const FAILURE_LOG_INTERVAL_MS = 60_000;

/** Seconds to wait, whole and at least 1, as Retry-After says it. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

function tooMany(message: string, ms: number): GraphError {
  const seconds = retryAfterSeconds(ms);
  return new GraphError("activityLimitReached", `${message} Retry after ${seconds} s.`, { "Retry-After": String(seconds) });
}

/** rate-limiter-flexible's Postgres client contract ({ text, values } → { rows, rowCount }), on the service's own driver. */
function storeClient(db: Queryable): { query(q: { text: string; values?: unknown[] }): Promise<{ rows: unknown[]; rowCount: number }> } {
  let lastLogged = Number.NEGATIVE_INFINITY;
  return {
    async query(q) {
      try {
        const r = await db.query(q.text, q.values);
        return { rows: r.rows, rowCount: r.rows.length > 0 ? r.rows.length : r.affectedRows };
      } catch (err) {
        // The insurance limiter takes over; say so now and then, not per request.
        if (Date.now() - lastLogged >= FAILURE_LOG_INTERVAL_MS) {
          lastLogged = Date.now();
          console.warn(`[rate-limit] the shared counters failed (${err instanceof Error ? err.message : String(err)}): counting in this instance's memory meanwhile`);
        }
        throw err;
      }
    },
  };
}

export function createRateLimits(config: RateLimitConfig, deps: RateLimitDeps): RateLimits {
  if (!config.enabled) {
    return {
      enabled: false,
      clientAddress: () => undefined,
      checkClient() {},
      async failedAuthentication() {},
      async consumeCaller() {},
      async consumeRecipient() {},
      async prune() {},
    };
  }
  const client = deps.db && storeClient(deps.db);

  function limiter(keyPrefix: string, points: number, duration: number): RateLimiterAbstract {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration });
    if (!client) return memory;
    return new RateLimiterPostgres({
      storeClient: client,
      storeType: "client",
      tableName: RATE_LIMIT_TABLE,
      tableCreated: true,
      // Our maintenance prunes (prune() below), for every limiter in one statement.
      clearExpiredByTimeout: false,
      keyPrefix,
      points,
      duration,
      // A key over its limit is refused from memory for the rest of its window: a flood costs the database one row, not one upsert per request.
      inMemoryBlockOnConsumed: points + 1,
      insuranceLimiter: memory,
    });
  }

  const caller = limiter("caller", config.burst, config.burst / config.perSecond);
  const recipient = limiter("recipient", config.recipientBurst, config.recipientBurst / config.recipientPerSecond);
  const failedAuth = limiter("failedAuth", config.failedAuthPerMinute, FAILED_AUTH_WINDOW_SECONDS);
  const blocked = new Map<string, number>();

  /** Consumes one point; a RateLimiterRes rejection (over the limit) becomes the 429. */
  async function consume(name: RateLimiterName, l: RateLimiterAbstract, key: string, message: string): Promise<RateLimiterRes> {
    try {
      return await l.consume(key);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      deps.onLimited?.(name);
      if (name === "failedAuth") block(key, err.msBeforeNext);
      throw tooMany(message, err.msBeforeNext);
    }
  }

  function block(address: string, ms: number): void {
    const now = Date.now();
    if (blocked.size >= MAX_BLOCKED) {
      for (const [k, until] of blocked) if (until <= now) blocked.delete(k);
    }
    if (blocked.size < MAX_BLOCKED) blocked.set(address, now + ms);
  }

  const callerMessage = `Too many requests: at most ${config.burst} at once and ${config.perSecond} a second per caller.`;
  const recipientMessage = `Too many notifications for this user: at most ${config.recipientBurst} at once and ${config.recipientPerSecond} a second, from all senders together.`;
  const failedMessage = `Too many requests with a missing or invalid token from this address: at most ${config.failedAuthPerMinute} a minute.`;

  return {
    enabled: true,
    clientAddress: (c) => clientAddress(c, deps.trustProxy),
    checkClient(address) {
      const until = blocked.get(address);
      if (until === undefined) return;
      const ms = until - Date.now();
      if (ms <= 0) {
        blocked.delete(address);
        return;
      }
      deps.onLimited?.("failedAuth");
      throw tooMany(failedMessage, ms);
    },
    async failedAuthentication(address) {
      await consume("failedAuth", failedAuth, address, failedMessage);
    },
    async consumeCaller(p) {
      const key = p.kind === "app" ? `app:${p.tenantId}:${p.appId}` : `${p.kind}:${p.tenantId}:${p.userId}`;
      await consume("caller", caller, key, callerMessage);
    },
    async consumeRecipient(owner) {
      await consume("recipient", recipient, `${owner.tenantId}:${owner.userId}`, recipientMessage);
    },
    async prune() {
      if (!deps.db) return;
      await deps.db.query(`DELETE FROM ${RATE_LIMIT_TABLE} WHERE expire < $1`, [Date.now() - PRUNE_AFTER_MS]);
    },
  };
}
