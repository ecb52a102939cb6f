// The local provider's security headers (issue 12), one Koa middleware run before every route.
//
// - CSP: nothing loads but the pages' own inline <style> and <script>, allowed by their SHA-256
//   (pages.ts keeps them fixed), and the data: favicon. oidc-provider adds the hash of its own inline
//   script (the form_post response mode) to script-src when it finds one set, so it must be set before
//   the route runs, never replaced after.
// - form-action: the account picker and the sign-out confirmation post to this origin, which redirects
//   to the app (Chrome checks form-action on the redirect too), and form_post posts to the app: the
//   origins of the registered redirect URIs.
// - Framing: no page may be framed (frame-ancestors 'none', X-Frame-Options DENY) except the
//   authorization endpoint, which MSAL loads in a hidden iframe of the app's pages to renew tokens
//   silently (prompt=none): there the app's origins may frame it, and X-Frame-Options (which cannot
//   name an origin) is left out.
import { createHash } from "node:crypto";
import type { KoaContextWithOIDC } from "oidc-provider";
import { LOGOUT_SCRIPT, STYLE } from "./pages";

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

const PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), interest-cohort=()";

/** The authorization endpoint and its resume path (`/auth/:uid`, after the account picker). */
export function isAuthorizationPath(path: string): boolean {
  return path === "/auth" || /^\/auth\/[^/]+$/.test(path);
}

export function idpContentSecurityPolicy(path: string, appOrigins: readonly string[]): string {
  const sources = appOrigins.join(" ");
  return [
    "default-src 'none'",
    `script-src ${sha256(LOGOUT_SCRIPT)}`,
    `style-src ${sha256(STYLE)}`,
    "img-src data:",
    `form-action 'self' ${sources}`,
    `frame-ancestors ${isAuthorizationPath(path) ? sources : "'none'"}`,
    "base-uri 'none'",
  ].join("; ");
}

/** `appOrigins`: the origins of the SPA's registered redirect URIs. */
export function securityHeaders(appOrigins: readonly string[]) {
  return async function setSecurityHeaders(ctx: KoaContextWithOIDC, next: () => Promise<unknown>): Promise<void> {
    ctx.set("Content-Security-Policy", idpContentSecurityPolicy(ctx.path, appOrigins));
    if (!isAuthorizationPath(ctx.path)) ctx.set("X-Frame-Options", "DENY");
    ctx.set("X-Content-Type-Options", "nosniff");
    // The pages say so too (<meta name="referrer">): codes and states in URLs never leave as a Referer.
    ctx.set("Referrer-Policy", "no-referrer");
    ctx.set("Permissions-Policy", PERMISSIONS_POLICY);
    ctx.set("Cross-Origin-Opener-Policy", "same-origin");
    await next();
  };
}
