// The local provider's token endpoint under rate limits (rate-limiter-flexible,
// in this process's memory: the provider is one process). Per client address
// (the socket's: the provider is a development tool on loopback, behind no
// proxy it would have to trust): requests to /token, a fixed window of `burst`
// per `burst / perSecond` seconds; and failed client authentication
// (`invalid_client`: a wrong client secret), far stricter, which once over
// refuses the address's token requests before any secret is checked. Over a
// limit: 429 with OAuth's JSON error and Retry-After in whole seconds, with
// CORS for the app's origins so a browser's MSAL can read it.
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type Provider from "oidc-provider";

export interface TokenRateLimit {
  /** Token requests per second from one address, over the long run. */
  perSecond: number;
  /** Token requests one address may send at once. */
  burst: number;
  /** Token requests refused `invalid_client` from one address a minute; beyond it, every token request is 429 until the minute ends. */
  failedClientAuthPerMinute: number;
}

export const DEFAULT_TOKEN_RATE_LIMIT: TokenRateLimit = { perSecond: 20, burst: 100, failedClientAuthPerMinute: 10 };

/** The limits `env` asks for: none with RATE_LIMIT=off (as the service reads it), else the defaults. */
export function tokenRateLimitFromEnv(env: Record<string, string | undefined>): TokenRateLimit | false {
  return /^\s*off\s*$/i.test(env.RATE_LIMIT ?? "") ? false : DEFAULT_TOKEN_RATE_LIMIT;
}

type Middleware = Parameters<Provider["use"]>[0];

/** Paths whose requests authenticate a client: the token endpoint and its revocation. */
const TOKEN_PATH = /^\/token(\/|$)/;

function addressOf(ip: string): string {
  return ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");
}

/** Koa middleware for the provider (`provider.use`): limits as above; `appOrigins` get CORS on the 429. */
export function tokenRateLimit(limits: TokenRateLimit, appOrigins: readonly string[]): Middleware {
  const requests = new RateLimiterMemory({ keyPrefix: "idp-token", points: limits.burst, duration: limits.burst / limits.perSecond });
  const failures = new RateLimiterMemory({ keyPrefix: "idp-client-auth", points: limits.failedClientAuthPerMinute, duration: 60 });

  return async (ctx, next) => {
    if (!TOKEN_PATH.test(ctx.path) || ctx.method === "OPTIONS") return next();
    const address = addressOf(ctx.request.socket.remoteAddress ?? "unknown");

    const refuse = (ms: number, description: string) => {
      const seconds = Math.max(1, Math.ceil(ms / 1000));
      ctx.status = 429;
      ctx.set("Retry-After", String(seconds));
      ctx.set("Cache-Control", "no-store");
      const origin = ctx.get("Origin");
      if (origin && appOrigins.includes(origin)) {
        ctx.set("Access-Control-Allow-Origin", origin);
        ctx.set("Access-Control-Expose-Headers", "Retry-After");
        ctx.vary("Origin");
      }
      ctx.body = { error: "temporarily_unavailable", error_description: `${description} Retry after ${seconds} s.` };
    };

    // An address that failed client authentication too often: refused before its secret is looked at.
    const failed = await failures.get(address);
    if (failed && failed.consumedPoints > limits.failedClientAuthPerMinute) {
      refuse(failed.msBeforeNext, "Too many failed client authentications from this address.");
      return;
    }
    try {
      await requests.consume(address);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      refuse(err.msBeforeNext, "Too many token requests from this address.");
      return;
    }

    await next();

    if (ctx.status === 401 && (ctx.body as { error?: unknown } | undefined)?.error === "invalid_client") {
      // Counted (and, past the limit, this very answer becomes the 429).
      try {
        await failures.consume(address);
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        refuse(err.msBeforeNext, "Too many failed client authentications from this address.");
      }
    }
  };
}
