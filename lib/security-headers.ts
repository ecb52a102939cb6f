// The app's per-request security headers: the Content-Security-Policy (with the framing rule),
// X-Frame-Options and HSTS. One home for them: proxy.ts sets what this returns on every response it
// sees (pages, route handlers, /graph/), and on the request, so that Next puts the nonce on its own
// scripts. The headers that never vary (nosniff, Referrer-Policy, COOP, Permissions-Policy) are
// next.config.js's. Pure (Web Crypto only, no Node imports): proxy.ts runs it, tests call it directly.
import { buildRuntimeConfig } from "@/lib/runtime-config";

type Env = Record<string, string | undefined>;

/**
 * Which policy a path gets:
 * - `app`: every page (and the small route handlers beside them): scripts by nonce only;
 * - `redirect`: the same, but the app may frame it (MSAL's hidden iframe renews tokens through it);
 * - `apiReference`: the API reference (Scalar), served as a file by its route: scripts from this
 *   origin only, and inline styles, which Scalar injects at run time without a nonce;
 * - `api`: the service's JSON under /graph/: nothing may load, nothing may frame it.
 */
export type PolicyKind = "app" | "redirect" | "apiReference" | "api";

export function policyKind(pathname: string): PolicyKind {
  if (pathname === "/graph" || pathname.startsWith("/graph/")) return "api";
  if (pathname === "/redirect" || pathname.startsWith("/redirect/")) return "redirect";
  if (pathname === "/api-reference" || pathname.startsWith("/api-reference/")) return "apiReference";
  return "app";
}

/** HSTS: two years, subdomains too (sent over https only; see isHttps). */
export const HSTS = "max-age=63072000; includeSubDomains";

/** 128 random bits, base64: a fresh nonce for each response. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/** The origins a page talks to besides its own: the identity provider's and an absolute API's. */
export interface PolicyOrigins {
  /** MSAL's fetches (discovery, token endpoint) and its hidden iframe (the authorization endpoint). */
  identityProvider: string;
  /** API_BASE_URL's origin when it names another origin; undefined for a path on this one. */
  api?: string;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

let cachedOrigins: { key: string; origins: PolicyOrigins } | undefined;

/** From the same runtime configuration the browser gets (/runtime-config), so the two never disagree. */
export function policyOrigins(env: Env): PolicyOrigins {
  const key = [env.AUTH_AUTHORITY, env.ISSUER, env.IDP_PORT, env.API_BASE_URL].join("\n");
  if (cachedOrigins?.key === key) return cachedOrigins.origins;
  const config = buildRuntimeConfig(env);
  // The local provider's endpoints are on its issuer (http), not on MSAL's https authority identifier.
  const metadata = config.auth.authorityMetadata ? (JSON.parse(config.auth.authorityMetadata) as { issuer: string }) : undefined;
  const identityProvider = originOf(metadata?.issuer ?? config.auth.authority) ?? config.auth.authority;
  const origins: PolicyOrigins = { identityProvider, api: originOf(config.apiBaseUrl) };
  cachedOrigins = { key, origins };
  return origins;
}

export interface PolicyOptions {
  nonce: string;
  origins: PolicyOrigins;
  /** Served over https: adds upgrade-insecure-requests (never on plain http, where it would break loads). */
  https: boolean;
  /** `next dev`: React's dev build needs eval, and dev styles are injected without a nonce (Next's guide). */
  dev: boolean;
}

function serialize(directives: Record<string, string[]>): string {
  return Object.entries(directives)
    .map(([name, values]) => [name, ...values].join(" "))
    .join("; ");
}

export function contentSecurityPolicy(kind: PolicyKind, { nonce, origins, https, dev }: PolicyOptions): string {
  if (kind === "api") return serialize({ "default-src": ["'none'"], "frame-ancestors": ["'none'"] });
  const connect = ["'self'", origins.identityProvider, ...(origins.api ? [origins.api] : [])];
  const common: Record<string, string[]> = {
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    // No page of the app posts a form anywhere (the sign-in form is the provider's, on its own page).
    "form-action": ["'self'"],
    "frame-ancestors": [kind === "redirect" ? "'self'" : "'none'"],
    ...(https ? { "upgrade-insecure-requests": [] } : {}),
  };
  if (kind === "apiReference") {
    return serialize({
      "default-src": ["'self'"],
      "script-src": ["'self'"],
      "style-src": ["'self'", "'unsafe-inline'"],
      "img-src": ["'self'", "data:", "blob:"],
      "font-src": ["'self'", "data:"],
      // The document and "try it" calls go to the API.
      "connect-src": ["'self'", ...(origins.api ? [origins.api] : [])],
      ...common,
    });
  }
  return serialize({
    "default-src": ["'self'"],
    // 'strict-dynamic': the scripts Next marks with the nonce may load the app's chunks; 'self' is
    // only for browsers older than CSP 3, which ignore 'strict-dynamic' (newer ones ignore 'self').
    "script-src": ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(dev ? ["'unsafe-eval'"] : [])],
    "style-src": dev ? ["'self'", "'unsafe-inline'"] : ["'self'", `'nonce-${nonce}'`],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": connect,
    // MSAL's silent renewal: the provider's authorization endpoint in a hidden iframe, which comes
    // back to /redirect on this origin.
    "frame-src": ["'self'", origins.identityProvider],
    "worker-src": ["'self'"],
    "manifest-src": ["'self'"],
    ...common,
  });
}

/**
 * Whether the browser reached this response over https: Next's URL says https when its socket is TLS
 * or the proxy in front sent `X-Forwarded-Proto: https`; APP_ORIGIN https says the public origin is
 * (a load balancer that terminates TLS and sends no such header). A client that forges the header over
 * plain http gains nothing: browsers ignore HSTS received over http (RFC 6797 §8.1).
 */
export function isHttps(protocol: string, env: Env): boolean {
  return protocol === "https:" || (env.APP_ORIGIN?.trim().startsWith("https://") ?? false);
}

export interface SecurityHeadersInput {
  pathname: string;
  nonce: string;
  https: boolean;
  env: Env;
}

/** The headers proxy.ts sets on the response (and, for the CSP, on the request). */
export function securityHeaders({ pathname, nonce, https, env }: SecurityHeadersInput): Record<string, string> {
  const kind = policyKind(pathname);
  const headers: Record<string, string> = {
    "Content-Security-Policy": contentSecurityPolicy(kind, {
      nonce,
      origins: policyOrigins(env),
      https,
      dev: env.NODE_ENV === "development",
    }),
    // For browsers without CSP's frame-ancestors: the same rule.
    "X-Frame-Options": kind === "redirect" ? "SAMEORIGIN" : "DENY",
  };
  if (https) headers["Strict-Transport-Security"] = HSTS;
  return headers;
}
