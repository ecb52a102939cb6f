// lib/security-headers.ts: the app's per-request policy (proxy.ts sets it), read directive by directive.
import { describe, expect, it } from "vitest";
import { HSTS, contentSecurityPolicy, isHttps, newNonce, policyKind, policyOrigins, securityHeaders } from "@/lib/security-headers";

/** The policy as a map of directive → sources. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(";").map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name!, values];
    }),
  );
}

const LOCAL = { IDP_PORT: "4401" };
const ENTRA = { AUTH_AUTHORITY: "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0", ISSUER: "https://login.microsoftonline.com/x/v2.0" };

function pageHeaders(pathname: string, env: Record<string, string | undefined> = LOCAL, https = false) {
  const headers = securityHeaders({ pathname, nonce: "abc123==", https, env });
  return { headers, csp: directives(headers["Content-Security-Policy"]!) };
}

describe("the app's policy", () => {
  it("lets scripts run by nonce alone: no 'unsafe-inline', no 'unsafe-eval' outside next dev", () => {
    const { csp } = pageHeaders("/");
    expect(csp.get("script-src")).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
    expect(csp.get("style-src")).toEqual(["'self'", "'nonce-abc123=='"]);
    for (const [name, values] of csp) {
      expect(values, name).not.toContain("'unsafe-inline'");
      expect(values, name).not.toContain("'unsafe-eval'");
    }
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'none'"]);
    expect(csp.get("worker-src")).toEqual(["'self'"]);
    expect(csp.get("manifest-src")).toEqual(["'self'"]);
    expect(csp.get("form-action")).toEqual(["'self'"]);
  });

  it("allows the local provider's origin (its http issuer, not MSAL's https identifier) for MSAL's calls and its iframe", () => {
    const { csp } = pageHeaders("/settings");
    expect(csp.get("connect-src")).toEqual(["'self'", "http://localhost:4401"]);
    expect(csp.get("frame-src")).toEqual(["'self'", "http://localhost:4401"]);
  });

  it("allows Entra ID's origin, and an API on another origin", () => {
    const { csp } = pageHeaders("/", { ...ENTRA, API_BASE_URL: "https://api.contoso.test/graph/beta" });
    expect(csp.get("connect-src")).toEqual(["'self'", "https://login.microsoftonline.com", "https://api.contoso.test"]);
    expect(csp.get("frame-src")).toEqual(["'self'", "https://login.microsoftonline.com"]);
  });

  it("may not be framed, except /redirect by the app itself (MSAL's silent renewal)", () => {
    for (const path of ["/", "/settings", "/support/users/x", "/signed-out", "/runtime-config"]) {
      const { headers, csp } = pageHeaders(path);
      expect(csp.get("frame-ancestors"), path).toEqual(["'none'"]);
      expect(headers["X-Frame-Options"], path).toBe("DENY");
    }
    const { headers, csp } = pageHeaders("/redirect");
    expect(csp.get("frame-ancestors")).toEqual(["'self'"]);
    expect(headers["X-Frame-Options"]).toBe("SAMEORIGIN");
    expect(csp.get("script-src")).toContain("'nonce-abc123=='");
  });

  it("gives the API reference scripts from this origin only and inline styles (Scalar injects them)", () => {
    for (const path of ["/api-reference", "/api-reference/scalar.js"]) {
      const { headers, csp } = pageHeaders(path);
      expect(csp.get("script-src"), path).toEqual(["'self'"]);
      expect(csp.get("style-src"), path).toEqual(["'self'", "'unsafe-inline'"]);
      expect(csp.get("connect-src"), path).toEqual(["'self'"]);
      expect(csp.get("frame-ancestors"), path).toEqual(["'none'"]);
      expect(headers["X-Frame-Options"], path).toBe("DENY");
    }
  });

  it("gives the API's JSON a policy that loads nothing", () => {
    expect(pageHeaders("/graph/beta/me/notifications").headers["Content-Security-Policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(policyKind("/graphql")).toBe("app");
  });

  it("sends HSTS and upgrade-insecure-requests over https only", () => {
    const plain = pageHeaders("/");
    expect(plain.headers["Strict-Transport-Security"]).toBeUndefined();
    expect(plain.csp.has("upgrade-insecure-requests")).toBe(false);
    const secure = pageHeaders("/", LOCAL, true);
    expect(secure.headers["Strict-Transport-Security"]).toBe(HSTS);
    expect(HSTS).toBe("max-age=63072000; includeSubDomains");
    expect(secure.csp.get("upgrade-insecure-requests")).toEqual([]);
  });

  it("decides https from the request's protocol (TLS or X-Forwarded-Proto, as Next reports it) or an https APP_ORIGIN", () => {
    expect(isHttps("http:", {})).toBe(false);
    expect(isHttps("http:", { APP_ORIGIN: "http://localhost:3000" })).toBe(false);
    expect(isHttps("https:", {})).toBe(true);
    expect(isHttps("http:", { APP_ORIGIN: "https://inbox.contoso.test" })).toBe(true);
  });

  it("needs eval and inline styles only under next dev", () => {
    const { csp } = pageHeaders("/", { ...LOCAL, NODE_ENV: "development" });
    expect(csp.get("script-src")).toContain("'unsafe-eval'");
    expect(csp.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
  });

  it("follows a change of configuration (the origins are cached per environment)", () => {
    expect(policyOrigins({ IDP_PORT: "4001" }).identityProvider).toBe("http://localhost:4001");
    expect(policyOrigins({ IDP_PORT: "4002" }).identityProvider).toBe("http://localhost:4002");
    expect(policyOrigins({ ISSUER: "http://idp.test:8080/" }).identityProvider).toBe("http://idp.test:8080");
  });
});

describe("newNonce", () => {
  it("is 128 random bits in base64, new each time", () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
    expect(contentSecurityPolicy("app", { nonce: "n1", origins: { identityProvider: "http://i" }, https: false, dev: false })).toContain("'nonce-n1'");
  });
});
