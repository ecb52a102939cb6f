// Service configuration, read from the environment once per process, and
// validated at start (validateConfig): every problem in one message each.
// Every default is the embedded one: local identity provider, PGlite in ./.data.
import { isIP } from "node:net";
import path from "node:path";
import { API_AUDIENCE } from "../contracts/identity";
import { GUID } from "./http/authenticate";
import { checkVapidConfig } from "./push/send/vapid";

export interface ServiceConfig {
  /** Where PGlite keeps its files, and where generated secrets live. */
  dataDir: string;
  /** postgres://… to use PostgreSQL instead of the embedded PGlite. */
  databaseUrl: string | undefined;
  /** Token issuer (`iss`) the service accepts. */
  issuer: string;
  /** JWKS to verify signatures with; default: the issuer's discovery document. */
  jwksUri: string | undefined;
  /** Audience (`aud`) the service accepts: its own app ID URI. */
  audience: string;
  /** Path the service is mounted at on the app's origin. */
  basePath: string;
  /** APP_ORIGIN: the public origin absolute links (Location, nextLink) are built on; default: the request's. */
  publicOrigin: string | undefined;
  /** MAX_ACTIVE_NOTIFICATIONS: live notifications one user may hold; a POST beyond it is 403 quotaLimitReached. */
  maxActiveNotifications: number;
  /** ALLOWED_TENANTS: the only tenants (`tid`) whose tokens are accepted; undefined accepts every tenant the issuer signs for. */
  allowedTenants: string[] | undefined;
  /** Seed the demo tenants, users and notifications on an empty store. */
  seedDemo: boolean;
  /** Web Push sender identity. Keys default to a pair generated into `$DATA_DIR/push/`. */
  vapid: { publicKey: string | undefined; privateKey: string | undefined; subject: string };
  /**
   * Push services beyond the browser vendors' built-in allowlist, as origins
   * (`https://127.0.0.1:9443`); `origin=display-only` marks one whose browsers
   * must show a notification for every push (as Apple's do). Tests use this.
   */
  extraPushServices: string[];
  /**
   * PUSH_WORKER: this instance runs delivery jobs (on, the default). Off, it
   * still turns committed events into jobs (the outbox) but sends nothing:
   * `npm run worker` processes do (README, "Delivery workers").
   */
  pushWorker: boolean;
  /** PUSH_HEARTBEAT_SECONDS: how often a delivery worker says it is alive; 3 missed, and its jobs go to others. */
  pushHeartbeatSeconds: number;
  /**
   * METRICS_PORT: where the process serves /metrics (Prometheus), on a
   * listener of its own; undefined: none (`off`, and the default with
   * DATA_DIR=memory://); NaN: not a port (validateConfig says so).
   */
  metricsPort: number | undefined;
  /** METRICS_HOST: the address the metrics listener binds (default 127.0.0.1: loopback only). */
  metricsHost: string;
  /** RATE_LIMIT*: requests per caller, sends per recipient, failed sign-ins per client address (README, "Rate limits"). */
  rateLimit: RateLimitConfig;
  /**
   * TRUST_PROXY: how many proxies in front of the service append to
   * X-Forwarded-For (0: none; under Next the app's own server is the hop that
   * reports the socket, server/http/client-address.ts). The client's address is
   * the entry that many places left of the one the nearest hop reported.
   */
  trustProxy: number;
}

/** The rate limits, each a fixed window of `burst` requests per `burst / perSecond` seconds (server/http/middleware/rate-limit.ts). */
export interface RateLimitConfig {
  /** RATE_LIMIT=off: no limits at all (tests, benchmarks). */
  enabled: boolean;
  /** RATE_LIMIT_PER_SECOND, RATE_LIMIT_BURST: one authenticated caller (a user, an app, a user's action tokens). */
  perSecond: number;
  burst: number;
  /** RATE_LIMIT_RECIPIENT_PER_SECOND, RATE_LIMIT_RECIPIENT_BURST: notifications sent to one user, by every sender together. */
  recipientPerSecond: number;
  recipientBurst: number;
  /** RATE_LIMIT_FAILED_AUTH_PER_MINUTE: requests refused 401 from one client address; beyond it, 429 before any token is verified. */
  failedAuthPerMinute: number;
}

/** The defaults: a busy app server or a person never meets them; a flood does. */
export const DEFAULT_RATE_LIMIT: RateLimitConfig = {
  enabled: true,
  perSecond: 20,
  burst: 100,
  recipientPerSecond: 20,
  recipientBurst: 100,
  failedAuthPerMinute: 60,
};

/** No limits: the test stacks and benchmarks, which send thousands of requests per user (RATE_LIMIT=off). */
export const RATE_LIMIT_OFF: RateLimitConfig = { ...DEFAULT_RATE_LIMIT, enabled: false };

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === "") return fallback;
  return !/^(0|false|no|off)$/i.test(value);
}

/** The environment, or a test's stand-in for it. */
export type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): ServiceConfig {
  const idpPort = env.IDP_PORT || "4001";
  const issuer = (env.ISSUER || `http://localhost:${idpPort}`).replace(/\/$/, "");
  return {
    // `memory://` keeps the store in memory (tests); anything else is a folder.
    // (turbopackIgnore: a run-time folder, not a source the build should trace.)
    dataDir: env.DATA_DIR?.startsWith("memory://")
      ? env.DATA_DIR
      : path.resolve(/*turbopackIgnore: true*/ env.DATA_DIR || ".data"),
    databaseUrl: env.DATABASE_URL || undefined,
    issuer,
    jwksUri: env.JWKS_URI || undefined,
    audience: env.API_AUDIENCE || API_AUDIENCE,
    basePath: "/graph/beta",
    publicOrigin: env.APP_ORIGIN?.trim().replace(/\/$/, "") || undefined,
    allowedTenants: list(env.ALLOWED_TENANTS)?.map((t) => t.toLowerCase()),
    maxActiveNotifications: /^\s*$/.test(env.MAX_ACTIVE_NOTIFICATIONS ?? "") ? DEFAULT_MAX_ACTIVE_NOTIFICATIONS : Number(env.MAX_ACTIVE_NOTIFICATIONS),
    seedDemo: bool(env.SEED_DEMO, !env.DATABASE_URL),
    vapid: {
      publicKey: env.VAPID_PUBLIC_KEY || undefined,
      privateKey: env.VAPID_PRIVATE_KEY || undefined,
      subject: env.VAPID_SUBJECT || "mailto:notifications@localhost",
    },
    extraPushServices: list(env.PUSH_SERVICES) ?? [],
    // Anything but on/off is named by validateConfig.
    pushWorker: !/^\s*off\s*$/i.test(env.PUSH_WORKER ?? ""),
    pushHeartbeatSeconds: env.PUSH_HEARTBEAT_SECONDS?.trim() ? Number(env.PUSH_HEARTBEAT_SECONDS) : 5,
    metricsPort: metricsPortOf(env.METRICS_PORT, env.DATA_DIR?.startsWith("memory://") ?? false),
    metricsHost: env.METRICS_HOST?.trim() || "127.0.0.1",
    rateLimit: {
      // Anything but on/off is named by validateConfig.
      enabled: !/^\s*off\s*$/i.test(env.RATE_LIMIT ?? ""),
      perSecond: numberOr(env.RATE_LIMIT_PER_SECOND, DEFAULT_RATE_LIMIT.perSecond),
      burst: numberOr(env.RATE_LIMIT_BURST, DEFAULT_RATE_LIMIT.burst),
      recipientPerSecond: numberOr(env.RATE_LIMIT_RECIPIENT_PER_SECOND, DEFAULT_RATE_LIMIT.recipientPerSecond),
      recipientBurst: numberOr(env.RATE_LIMIT_RECIPIENT_BURST, DEFAULT_RATE_LIMIT.recipientBurst),
      failedAuthPerMinute: numberOr(env.RATE_LIMIT_FAILED_AUTH_PER_MINUTE, DEFAULT_RATE_LIMIT.failedAuthPerMinute),
    },
    trustProxy: numberOr(env.TRUST_PROXY, 0),
  };
}

/** A number from the environment; `fallback` when unset or blank (NaN when not a number: validateConfig says so). */
function numberOr(value: string | undefined, fallback: number): number {
  return value === undefined || value.trim() === "" ? fallback : Number(value);
}

/** The default metrics port (that of OpenTelemetry's Prometheus exporter). */
export const DEFAULT_METRICS_PORT = 9464;

/** METRICS_PORT: a port (0: any free one), `off`, or unset (9464; off for an in-memory store). */
function metricsPortOf(value: string | undefined, inMemory: boolean): number | undefined {
  const v = value?.trim() ?? "";
  if (v === "") return inMemory ? undefined : DEFAULT_METRICS_PORT;
  if (/^(off|false|no|none)$/i.test(v)) return undefined;
  return /^\d{1,5}$/.test(v) ? Number(v) : Number.NaN;
}

/** Live notifications one user may hold by default (MAX_ACTIVE_NOTIFICATIONS). */
export const DEFAULT_MAX_ACTIVE_NOTIFICATIONS = 25_000;

/** A comma-separated list; undefined when unset or empty. */
function list(value: string | undefined): string[] | undefined {
  const items = (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length > 0 ? items : undefined;
}

/** The configuration cannot run: each problem in its own sentence. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `Configuration problem: ${problems[0]}`
        : `${problems.length} configuration problems:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === "https:" || u.protocol === "http:") && u.hostname !== "";
  } catch {
    return false;
  }
}

/** A DNS host name (labels of letters, digits and inner hyphens). */
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

const isLoopback = (u: URL) => ["localhost", "127.0.0.1", "[::1]"].includes(u.hostname);

/**
 * Every problem with `config` (and the environment it came from) that would
 * stop the service or make it wrong: an empty list means it may start. The
 * database's reachability is checked when the store opens (a clear
 * DatabaseUnreachableError), the identity provider's keys at the first token.
 */
export function validateConfig(config: ServiceConfig, env: Env = process.env): string[] {
  const problems: string[] = [];
  const production = env.NODE_ENV === "production";

  if (env.PUBLIC_ORIGIN) {
    problems.push("PUBLIC_ORIGIN is not read any more: set APP_ORIGIN, the one public origin (links in answers and the local provider's redirect URIs).");
  }
  if (config.publicOrigin !== undefined) {
    let ok = false;
    try {
      const u = new URL(config.publicOrigin);
      ok = (u.protocol === "https:" || u.protocol === "http:") && u.origin === config.publicOrigin;
    } catch {
      ok = false;
    }
    if (!ok) problems.push(`APP_ORIGIN must be an origin such as https://inbox.example.com (scheme, host, optional port; no path): got '${config.publicOrigin}'.`);
  }

  if (config.databaseUrl !== undefined) {
    let protocol: string | undefined;
    try {
      protocol = new URL(config.databaseUrl).protocol;
    } catch {
      protocol = undefined;
    }
    if (protocol !== "postgres:" && protocol !== "postgresql:") {
      problems.push("DATABASE_URL must be a postgres:// (or postgresql://) connection string, e.g. postgres://user:password@host:5432/notifications.");
    }
    if (config.vapid.publicKey === undefined && config.vapid.privateKey === undefined) {
      problems.push(
        "VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are required with DATABASE_URL: every instance must sign pushes with the same key pair " +
          "(make one with `npx web-push generate-vapid-keys`).",
      );
    }
  }
  try {
    checkVapidConfig(config.vapid);
  } catch (err) {
    problems.push((err as Error).message);
  }

  const issuer = config.issuer.replace("{tenantid}", "common");
  if (!isHttpUrl(issuer)) {
    problems.push(`ISSUER must be an http(s) URL (Entra ID: https://login.microsoftonline.com/{tenantid}/v2.0): got '${config.issuer}'.`);
  } else if (production && new URL(issuer).protocol !== "https:" && !isLoopback(new URL(issuer))) {
    problems.push(`ISSUER must be https in production: got '${config.issuer}'.`);
  }
  if (env.AUTH_AUTHORITY?.trim() && !env.ISSUER) {
    problems.push(
      "AUTH_AUTHORITY signs users in with Entra ID, but ISSUER is unset (the local provider's): set ISSUER, e.g. https://login.microsoftonline.com/{tenantid}/v2.0, and API_AUDIENCE.",
    );
  }
  if (config.jwksUri !== undefined && !isHttpUrl(config.jwksUri)) {
    problems.push(`JWKS_URI must be an http(s) URL: got '${config.jwksUri}'.`);
  }
  if (!config.audience.trim()) problems.push("API_AUDIENCE must not be empty.");
  if (env.PUSH_WORKER !== undefined && !/^\s*(on|off|)\s*$/i.test(env.PUSH_WORKER)) {
    problems.push(`PUSH_WORKER must be on or off (off: this instance sends no pushes; \`npm run worker\` does): got '${env.PUSH_WORKER}'.`);
  }
  if (!(config.pushHeartbeatSeconds >= 0.5 && config.pushHeartbeatSeconds <= 300)) {
    problems.push(`PUSH_HEARTBEAT_SECONDS must be a number of seconds from 0.5 to 300: got '${env.PUSH_HEARTBEAT_SECONDS ?? config.pushHeartbeatSeconds}'.`);
  }
  if (!Number.isSafeInteger(config.maxActiveNotifications) || config.maxActiveNotifications < 1) {
    problems.push(`MAX_ACTIVE_NOTIFICATIONS must be a whole number of at least 1 (default ${DEFAULT_MAX_ACTIVE_NOTIFICATIONS}): got '${env.MAX_ACTIVE_NOTIFICATIONS ?? config.maxActiveNotifications}'.`);
  }
  const badTenants = (config.allowedTenants ?? []).filter((t) => !GUID.test(t));
  if (badTenants.length > 0) {
    problems.push(`ALLOWED_TENANTS must list tenant ids (GUIDs, comma-separated): not one: ${badTenants.join(", ")}.`);
  }
  if (config.metricsPort !== undefined && !(Number.isInteger(config.metricsPort) && config.metricsPort >= 0 && config.metricsPort <= 65535)) {
    problems.push(`METRICS_PORT must be a port number (0-65535) or 'off': got '${env.METRICS_PORT ?? config.metricsPort}'.`);
  }
  if (!isIP(config.metricsHost) && !HOST_NAME.test(config.metricsHost)) {
    problems.push(`METRICS_HOST must be a host name or an IP address to listen on (e.g. 127.0.0.1, or 0.0.0.0 for every interface): got '${config.metricsHost}'.`);
  }
  problems.push(...rateLimitProblems(config, env));
  return problems;
}

function rateLimitProblems(config: Pick<ServiceConfig, "rateLimit" | "trustProxy">, env: Env): string[] {
  const problems: string[] = [];
  const r = config.rateLimit;
  if (env.RATE_LIMIT !== undefined && !/^\s*(on|off|)\s*$/i.test(env.RATE_LIMIT)) {
    problems.push(`RATE_LIMIT must be on or off (off: no rate limits at all): got '${env.RATE_LIMIT}'.`);
  }
  const perSecond = (name: string, value: number, raw: string | undefined) => {
    if (!(Number.isFinite(value) && value > 0 && value <= 1_000_000)) {
      problems.push(`${name} must be a number of requests per second above 0 (fractions allowed, e.g. 0.5): got '${raw ?? value}'.`);
    }
  };
  const whole = (name: string, value: number, raw: string | undefined, what: string) => {
    if (!(Number.isSafeInteger(value) && value >= 1)) problems.push(`${name} must be a whole number of at least 1 (${what}): got '${raw ?? value}'.`);
  };
  perSecond("RATE_LIMIT_PER_SECOND", r.perSecond, env.RATE_LIMIT_PER_SECOND);
  whole("RATE_LIMIT_BURST", r.burst, env.RATE_LIMIT_BURST, "requests one caller may send at once");
  perSecond("RATE_LIMIT_RECIPIENT_PER_SECOND", r.recipientPerSecond, env.RATE_LIMIT_RECIPIENT_PER_SECOND);
  whole("RATE_LIMIT_RECIPIENT_BURST", r.recipientBurst, env.RATE_LIMIT_RECIPIENT_BURST, "notifications one user may be sent at once");
  whole("RATE_LIMIT_FAILED_AUTH_PER_MINUTE", r.failedAuthPerMinute, env.RATE_LIMIT_FAILED_AUTH_PER_MINUTE, "refused tokens one client address may send a minute");
  if (!(Number.isSafeInteger(config.trustProxy) && config.trustProxy >= 0 && config.trustProxy <= 20)) {
    problems.push(`TRUST_PROXY must be the number of proxies in front of the service, 0 to 20 (0: none): got '${env.TRUST_PROXY ?? config.trustProxy}'.`);
  }
  return problems;
}

/** Throws a ConfigError naming every problem, if there are any. */
export function assertValidConfig(config: ServiceConfig, env: Env = process.env): void {
  const problems = validateConfig(config, env);
  if (problems.length > 0) throw new ConfigError(problems);
}
