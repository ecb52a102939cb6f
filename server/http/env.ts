// The Hono env every sub-app shares (its per-request variables) and the
// dependencies the app is built from. Routes import this, never the app.
import type { Context } from "hono";
import type { ServiceConfig } from "../config";
import type { RequestObservation } from "../metrics";
import type { SnoozeWaker } from "../notifications/snooze-waker";
import type { StreamHub } from "../notifications/stream";
import type { PushServiceRules } from "../push/push-services";
import type { Db } from "../store/db";
import type { Authenticate, Principal } from "./authenticate";
import type { PageTokenCodec } from "./page-token";
import type { RateLimits } from "./middleware/rate-limit";

export interface AppDeps {
  db: Db;
  config: Pick<ServiceConfig, "basePath" | "publicOrigin" | "maxActiveNotifications">;
  now: () => Date;
  authenticate: Authenticate;
  tokens: PageTokenCodec;
  snoozes: SnoozeWaker;
  /** Counts changed rows, so maintenance knows when the store needs a VACUUM. */
  noteWrites: (rows: number) => void;
  /** Records that a user signed in (throttled by the caller). */
  touchUser: (p: Extract<Principal, { kind: "user" }>, now: Date) => Promise<void>;
  /** Whether the user's endpoint still exists (an action token dies with the endpoint it was minted for). */
  isEndpointLive: (owner: { tenantId: string; userId: string }, endpointId: string, now: Date) => Promise<boolean>;
  /** The live stream's hub (GET /me/notifications/stream). */
  stream: StreamHub;
  /** The VAPID public key (base64url) browsers subscribe with. */
  vapidPublicKey: string;
  /** The push-service allowlist and state-push rule. */
  pushServices: PushServiceRules;
  /** Told of every answered request, by route pattern (the metrics). */
  observeRequest?: (r: RequestObservation) => void;
  /** The rate limits (per caller, per recipient, per client address before authentication). */
  rateLimits: RateLimits;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    clientRequestId: string | undefined;
    /** The request's start: every time rule in one request uses this instant. */
    now: Date;
    /** The authenticated caller, set by the auth middleware on routes that need one. */
    principal: Principal | undefined;
    /** This request has been counted against its caller's rate limit (once, however often the auth middleware runs). */
    rateLimitCounted: boolean | undefined;
  };
}

export type AppContext = Context<AppEnv>;
