// The local provider's security headers over HTTP (idp/security-headers.ts): every page's inline
// style and script is allowed by the hash its CSP names and nothing else runs; no page may be
// framed except the authorization endpoint, which the app's origins may frame (MSAL's silent iframe).
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findDemoUser } from "@/contracts/demo-users";
import { startIdp, type RunningIdp } from "@/idp";
import { CookieJar, authorizeUrl as authorizeUrlOf, request } from "@/testing/tokens";

const APP_ORIGIN = "http://localhost:3999";
const OTHER_APP_ORIGIN = "https://inbox.contoso.test";
const REDIRECT_URI = `${APP_ORIGIN}/redirect`;

let dataDir: string;
let idp: RunningIdp;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "idp-headers-"));
  idp = await startIdp({ port: 0, dataDir, appOrigins: [APP_ORIGIN, OTHER_APP_ORIGIN] });
});

afterAll(async () => {
  await idp?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function authorizeUrl(params: Record<string, string> = {}): URL {
  return authorizeUrlOf(idp.issuer, { redirect_uri: REDIRECT_URI, ...params });
}

/** Follows the provider's own redirects; returns the page it lands on (or the hop that leaves it). */
async function follow(jar: CookieJar, start: URL, init: RequestInit = {}): Promise<{ res: Response; url: URL; hops: Response[] }> {
  let url = start;
  let res = await request(jar, url, init);
  const hops: Response[] = [];
  for (let i = 0; i < 10 && res.status >= 300 && res.status < 400; i++) {
    hops.push(res);
    const next = new URL(res.headers.get("location")!, url);
    if (next.origin !== new URL(idp.issuer).origin) return { res, url: next, hops };
    url = next;
    res = await request(jar, url);
  }
  return { res, url, hops };
}

function directives(res: Response): Map<string, string[]> {
  const policy = res.headers.get("content-security-policy");
  expect(policy).toBeTruthy();
  return new Map(
    policy!.split(";").map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name!, values];
    }),
  );
}

const sha = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/** The page's inline elements are all allowed by hash, and it has nothing else that could run or style. */
function expectOnlyHashedInline(html: string, csp: Map<string, string[]>): void {
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
  const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
  for (const script of scripts) expect(csp.get("script-src")).toContain(sha(script));
  for (const style of styles) expect(csp.get("style-src")).toContain(sha(style));
  expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
  expect(html).not.toMatch(/\sstyle=/i);
  expect(html).not.toMatch(/\son[a-z]+=/i);
  for (const values of csp.values()) expect(values).not.toContain("'unsafe-inline'");
}

function expectFamily(res: Response): void {
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  expect(res.headers.get("permissions-policy")).toContain("camera=()");
  expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
}

function expectNotFramable(res: Response): void {
  expect(directives(res).get("frame-ancestors")).toEqual(["'none'"]);
  expect(res.headers.get("x-frame-options")).toBe("DENY");
}

describe("the provider's pages", () => {
  it("the account picker: its style by hash, forms to itself and the app, never framed", async () => {
    const { res, url, hops } = await follow(new CookieJar(), authorizeUrl());
    expect(url.pathname).toMatch(/^\/interaction\//);
    expect(res.status).toBe(200);
    const csp = directives(res);
    expectOnlyHashedInline(await res.text(), csp);
    expect(csp.get("style-src")).toHaveLength(1);
    expect(csp.get("default-src")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'none'"]);
    // Chrome checks form-action on the redirect after the post, which goes back to the app.
    expect(csp.get("form-action")).toEqual(["'self'", APP_ORIGIN, OTHER_APP_ORIGIN]);
    expectNotFramable(res);
    expectFamily(res);
    // The hop through /auth may be framed by the app (see below); it left for the picker.
    expect(directives(hops[0]!).get("frame-ancestors")).toEqual([APP_ORIGIN, OTHER_APP_ORIGIN]);
  });

  it("the sign-out page: its submitting script by hash", async () => {
    const jar = new CookieJar();
    const { url } = await follow(jar, authorizeUrl());
    const signedIn = await follow(jar, new URL(url.pathname + "/login", url), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ account: findDemoUser("adele@contoso.test")!.oid }).toString(),
    });
    expect(signedIn.url.href.startsWith(REDIRECT_URI)).toBe(true);
    const end = new URL(`${idp.issuer}/session/end`);
    end.search = new URLSearchParams({ post_logout_redirect_uri: `${APP_ORIGIN}/signed-out` }).toString();
    const page = await request(jar, end);
    expect(page.status).toBe(200);
    const html = await page.text();
    const csp = directives(page);
    expect(html).toContain("<script>");
    expectOnlyHashedInline(html, csp);
    expectNotFramable(page);
    expectFamily(page);
  });

  it("an error page, and oidc-provider's own form_post page (its script hash added to the policy)", async () => {
    const error = await request(new CookieJar(), authorizeUrl({ redirect_uri: "http://evil.example/redirect" }));
    expect(error.status).toBe(400);
    expectOnlyHashedInline(await error.text(), directives(error));
    // prompt=none without a session: login_required, posted back to the app by an auto-submitting form.
    const post = await request(new CookieJar(), authorizeUrl({ prompt: "none", response_mode: "form_post" }));
    expect(post.status).toBe(400);
    const html = await post.text();
    expect(html).toContain("login_required");
    expect(html).toMatch(/<script>[\s\S]+<\/script>/);
    expectOnlyHashedInline(html, directives(post));
  });

  it("discovery and the token endpoint carry the same family", async () => {
    const res = await fetch(`${idp.issuer}/.well-known/openid-configuration`);
    expectNotFramable(res);
    expectFamily(res);
  });
});

describe("the authorization endpoint in MSAL's hidden iframe", () => {
  it("may be framed by the app's origins (the origins of its redirect URIs), with no X-Frame-Options", async () => {
    const res = await request(new CookieJar(), authorizeUrl({ prompt: "none" }));
    expect(res.status).toBe(303);
    expect(directives(res).get("frame-ancestors")).toEqual([APP_ORIGIN, OTHER_APP_ORIGIN]);
    expect(res.headers.get("x-frame-options")).toBeNull();
    expectFamily(res);
  });

  it("is the only path that may: a path that merely starts like it may not", async () => {
    for (const p of ["/auth/x/y", "/authz", "/interaction/x"]) {
      const res = await fetch(`${idp.issuer}${p}`);
      expect(directives(res).get("frame-ancestors"), p).toEqual(["'none'"]);
      expect(res.headers.get("x-frame-options"), p).toBe("DENY");
    }
  });
});
