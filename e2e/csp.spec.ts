// The script policy (issue 12): every page of the app carries a Content-Security-Policy whose scripts
// run by a nonce that changes with every response, never by 'unsafe-inline'; every inline script and
// style of the page has that nonce, and nothing is styled by attribute. The local provider's pages
// run by hash, and only its authorization endpoint may be framed, by the app (MSAL's silent iframe).
// Then one whole journey in a browser that reports every violation in every document and frame:
// sign-in through the provider, the inbox, push turned on, a silent renewal through the hidden
// iframe and /redirect, a reload with no network (the worker's cached shell must still run), Settings,
// Support, sign-out through the provider's page — and not one violation.
//
// Rui (tenant B support staff) is the user: no other spec signs him in.
import type { APIRequestContext, Page } from "@playwright/test";
import { SPA_CLIENT_ID } from "../contracts/demo-users";
import { describeViolations, parsePolicy, scriptNonce, watchCspViolations } from "./fixtures/csp";
import { appOrigin, issuer } from "./fixtures/e2e-env";
import { deviceOptions, expect, goToSettings, newPushDevice, test, turnOnPush, users } from "./fixtures/test";

const rui = users.rui;

const PAGES = ["/", "/signed-out", "/settings", "/support", `/support/users/${rui.oid}`, "/redirect"];

async function fetchPage(request: APIRequestContext, path: string, headers: Record<string, string> = {}) {
  const res = await request.get(`${appOrigin}${path}`, { headers });
  expect(res.status(), path).toBe(200);
  const policy = res.headers()["content-security-policy"];
  return { res, policy, csp: parsePolicy(policy), nonce: scriptNonce(policy), html: await res.text() };
}

test.describe("the app's policy", () => {
  for (const path of PAGES) {
    test(`${path}: scripts by a fresh nonce only, every inline script and style carries it`, async ({ request }) => {
      const first = await fetchPage(request, path);
      const { csp, nonce, html } = first;
      expect(nonce, first.policy).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(csp.get("script-src")).toEqual(expect.arrayContaining([`'nonce-${nonce}'`, "'strict-dynamic'"]));
      for (const directive of ["script-src", "style-src", "default-src"]) {
        expect(csp.get(directive), directive).not.toContain("'unsafe-inline'");
        expect(csp.get(directive), directive).not.toContain("'unsafe-eval'");
      }
      expect(csp.get("style-src")).toContain(`'nonce-${nonce}'`);
      expect(csp.get("object-src")).toEqual(["'none'"]);
      expect(csp.get("base-uri")).toEqual(["'none'"]);
      expect(csp.get("worker-src")).toEqual(["'self'"]);
      expect(csp.get("manifest-src")).toEqual(["'self'"]);
      expect(csp.get("form-action")).toEqual(["'self'"]);
      // MSAL: the provider's token endpoint, and its authorization endpoint in a hidden iframe.
      expect(csp.get("connect-src")).toEqual(["'self'", issuer]);
      expect(csp.get("frame-src")).toEqual(["'self'", issuer]);
      expect(csp.get("frame-ancestors")).toEqual([path === "/redirect" ? "'self'" : "'none'"]);

      // Every inline script (ours in the layout, Next's and React's own) and style has the nonce.
      const inline = [...html.matchAll(/<(script|style)\b([^>]*)>/g)].filter(([, tag, attrs]) => tag === "style" || !/\ssrc=/.test(attrs!));
      expect(inline.length).toBeGreaterThan(2);
      for (const [element] of inline) expect(element).toContain(`nonce="${nonce}"`);
      expect(html).toContain(`<script nonce="${nonce}">try{if((`);
      // A style attribute in the server's HTML would be refused (the policy has no 'unsafe-inline').
      expect(html).not.toMatch(/<[^>]+\sstyle="/);

      const second = await fetchPage(request, path);
      expect(second.nonce).not.toBe(nonce);
      expect(second.html).not.toContain(nonce!);
    });
  }

  test("a page that does not exist: the app's own 404, under the same policy, with no violation", async ({ browser, request }) => {
    const res = await request.get(`${appOrigin}/no-such-page`);
    expect(res.status()).toBe(404);
    const nonce = scriptNonce(res.headers()["content-security-policy"]);
    expect(nonce).toBeTruthy();
    // Next's default 404 page is styled by attributes and an un-nonced <style>: the app has its own.
    const html = await res.text();
    expect(html).not.toMatch(/<[^>]+\sstyle="/);
    expect(html).not.toMatch(/<style>/);
    const context = await browser.newContext({ baseURL: appOrigin });
    const violations = await watchCspViolations(context);
    const page = await context.newPage();
    await page.goto("/no-such-page");
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    expect(violations, describeViolations(violations)).toEqual([]);
    await context.close();
  });

  test("route handlers and the API get a policy too; the API's loads nothing", async ({ request }) => {
    for (const path of ["/runtime-config", "/sw.js", "/healthz"]) {
      const h = (await request.get(`${appOrigin}${path}`)).headers();
      expect(parsePolicy(h["content-security-policy"]).get("frame-ancestors"), path).toEqual(["'none'"]);
      expect(h["x-frame-options"], path).toBe("DENY");
    }
    const api = (await request.get(`${appOrigin}/graph/beta/me/notifications`)).headers();
    expect(api["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  test("the API reference (when present): scripts from this origin only, inline styles for Scalar", async ({ request }) => {
    const res = await request.get(`${appOrigin}/api-reference`);
    test.skip(res.status() === 404, "no /api-reference route in this build");
    const csp = parsePolicy(res.headers()["content-security-policy"]);
    expect(csp.get("script-src")).toEqual(["'self'"]);
    expect(csp.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
  });

  test("the API reference renders in a browser with no violation", async ({ browser, request }) => {
    test.skip((await request.get(`${appOrigin}/api-reference`)).status() === 404, "no /api-reference route in this build");
    const context = await browser.newContext({ baseURL: appOrigin });
    const violations = await watchCspViolations(context);
    const page = await context.newPage();
    const openapi = page.waitForResponse((r) => r.url().endsWith("/openapi.json") && r.status() === 200);
    await page.goto("/api-reference");
    await openapi;
    // Scalar draws the document's operations (each a heading) once it has read it.
    await expect(page.getByRole("heading").first()).toBeVisible({ timeout: 20_000 });
    await page.waitForTimeout(1000);
    // The one refusal expected: zod (inside Scalar's bundle) probes `new Function("")` once to decide
    // whether it may compile its parsers, and parses without when refused. Nothing else may be.
    const others = violations.filter((v) => !(v.directive === "script-src" && v.blocked === "eval"));
    expect(others, describeViolations(others)).toEqual([]);
    await context.close();
  });

  test("HSTS over https (as the proxy in front reports it), never over plain http", async ({ request }) => {
    const plain = await fetchPage(request, "/");
    expect(plain.res.headers()["strict-transport-security"]).toBeUndefined();
    expect(plain.csp.has("upgrade-insecure-requests")).toBe(false);
    const secure = await fetchPage(request, "/", { "x-forwarded-proto": "https" });
    expect(secure.res.headers()["strict-transport-security"]).toBe("max-age=63072000; includeSubDomains");
    expect(secure.csp.has("upgrade-insecure-requests")).toBe(true);
  });
});

test.describe("the local provider's policy", () => {
  const authorize = (params: Record<string, string> = {}) =>
    `${issuer}/auth?${new URLSearchParams({
      client_id: SPA_CLIENT_ID,
      redirect_uri: `${appOrigin}/redirect`,
      response_type: "code",
      scope: "openid profile",
      code_challenge: "x".repeat(43),
      code_challenge_method: "S256",
      ...params,
    })}`;

  test("its sign-in page: styles by hash, no inline script allowed, never framed", async ({ request }) => {
    const res = await request.get(authorize());
    expect(new URL(res.url()).pathname).toMatch(/^\/interaction\//);
    const h = res.headers();
    const csp = parsePolicy(h["content-security-policy"]);
    expect(csp.get("default-src")).toEqual(["'none'"]);
    expect(csp.get("style-src")).toEqual([expect.stringMatching(/^'sha256-/)]);
    expect(csp.get("script-src")!.every((s) => s.startsWith("'sha256-"))).toBe(true);
    expect(csp.get("form-action")).toEqual(["'self'", appOrigin]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(h["x-frame-options"]).toBe("DENY");
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["cross-origin-opener-policy"]).toBe("same-origin");
    expect(h["referrer-policy"]).toBe("no-referrer");
    expect(h["permissions-policy"]).toContain("camera=()");
  });

  test("its authorization endpoint may be framed by the app (MSAL's silent renewal), with no X-Frame-Options", async ({ request }) => {
    const res = await request.get(authorize({ prompt: "none" }), { maxRedirects: 0 });
    expect(res.status()).toBe(303);
    const h = res.headers();
    expect(parsePolicy(h["content-security-policy"]).get("frame-ancestors")).toEqual([appOrigin]);
    expect(h["x-frame-options"]).toBeUndefined();
  });
});

/** Signs in through the provider's page; Rui's inbox may be empty, so the header is what shows. */
async function signInAsRui(page: Page): Promise<void> {
  await page.goto("/");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL((url) => url.origin === issuer);
  await page.getByRole("button", { name: `Continue as ${rui.name}` }).click();
  await page.waitForURL((url) => url.origin === appOrigin && !url.pathname.startsWith("/redirect"));
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

/** Until the worker controls the page: only then does a reload with no network get the app shell. */
async function controlled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller) return;
    await new Promise<void>((resolve) => navigator.serviceWorker.addEventListener("controllerchange", () => resolve(), { once: true }));
  });
}

/** How many access and refresh tokens MSAL keeps in this browser. */
function tokenCount(page: Page): Promise<number> {
  return page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => /^msal\.(\d+\.)?token\.keys\./.test(k))
      .map((k) => JSON.parse(localStorage.getItem(k) ?? "{}") as { accessToken?: string[]; refreshToken?: string[] })
      .reduce((n, index) => n + (index.accessToken?.length ?? 0) + (index.refreshToken?.length ?? 0), 0),
  );
}

const FORGET_FLAG = "e2e-forget-tokens";

/**
 * On the next load of the top page, before MSAL starts, drops its access and refresh tokens (kept: the
 * account and its ID token), as when a refresh token has expired: the next token then needs the
 * hidden iframe. Done at document start so the page that is unloading cannot write them back.
 */
const FORGET_TOKENS_SCRIPT = `if (window === window.top && sessionStorage.getItem("${FORGET_FLAG}")) {
  sessionStorage.removeItem("${FORGET_FLAG}");
  for (const indexKey of Object.keys(localStorage).filter((k) => /^msal\\.(\\d+\\.)?token\\.keys\\./.test(k))) {
    const index = JSON.parse(localStorage.getItem(indexKey) || "{}");
    for (const key of [...(index.accessToken || []), ...(index.refreshToken || [])]) localStorage.removeItem(key);
    localStorage.setItem(indexKey, JSON.stringify({ ...index, accessToken: [], refreshToken: [] }));
  }
}`;

test("the whole journey runs without one CSP violation: sign-in, inbox, push, silent renewal, offline, Settings, Support, sign-out", async ({
  browser,
  pushService,
}) => {
  test.setTimeout(180_000);
  const device = await newPushDevice(browser, pushService, deviceOptions.desktop);
  const { context, page } = device;
  const violations = await watchCspViolations(context);
  await context.addInitScript({ content: FORGET_TOKENS_SCRIPT });
  try {
    // The landing, then sign-in through the provider's page and the redirect bridge.
    const landing = await page.goto("/");
    expect(scriptNonce(landing!.headers()["content-security-policy"])).toBeTruthy();
    await signInAsRui(page);
    // The layout's inline script ran (it marks a returning session before the first paint).
    await page.reload();
    await expect(page.locator("html")).toHaveAttribute("data-session", "returning");
    await expect(page.getByRole("navigation", { name: "App" }).getByRole("link", { name: "Settings" })).toBeVisible();

    // Push on for this browser (Settings), back to the inbox.
    await turnOnPush(page);
    await page.getByRole("link", { name: "Inbox" }).first().click();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();

    // A silent renewal through MSAL's hidden iframe: the provider's /auth (prompt=none) in a frame,
    // which comes back to /redirect, framed by the app.
    expect(await tokenCount(page)).toBeGreaterThan(0);
    await page.evaluate((flag) => sessionStorage.setItem(flag, "1"), FORGET_FLAG);
    const framedAuth = page.waitForRequest((r) => r.url().startsWith(`${issuer}/auth?`) && r.url().includes("prompt=none") && r.frame() !== page.mainFrame());
    const framedBridge = page.waitForResponse(
      (r) => r.url().startsWith(`${appOrigin}/redirect`) && r.frame() !== page.mainFrame() && r.status() === 200,
    );
    await page.reload();
    await framedAuth;
    const bridge = await framedBridge;
    expect(parsePolicy(bridge.headers()["content-security-policy"]).get("frame-ancestors")).toEqual(["'self'"]);
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    // The code the iframe brought back was redeemed: MSAL holds tokens again.
    await expect.poll(() => tokenCount(page)).toBeGreaterThan(0);

    // No network: the worker's cached shell, under the policy it was cached with, still runs the app.
    await controlled(page);
    await context.setOffline(true);
    const shell = await page.reload();
    expect(shell!.fromServiceWorker()).toBe(true);
    const shellNonce = scriptNonce(shell!.headers()["content-security-policy"]);
    expect(shellNonce).toBeTruthy();
    expect(await shell!.text()).toContain(`nonce="${shellNonce}"`);
    await expect(page.locator(".offline-notice")).toContainText("You're offline");
    await context.setOffline(false);
    await expect(page.locator(".offline-notice")).toBeHidden({ timeout: 20_000 });

    // Settings and Support (Rui is support staff).
    await goToSettings(page);
    await page.getByRole("navigation", { name: "App" }).getByRole("link", { name: "Support" }).click();
    await expect(page.getByRole("heading", { name: "Support", level: 1 })).toBeVisible();

    // Sign-out through the provider's page (its script submits the form) back to /signed-out.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${appOrigin}/signed-out`, { timeout: 30_000 });
    await expect(page.getByRole("heading", { name: "You're signed out" })).toBeVisible();
    await page.waitForTimeout(500);
    expect(violations, describeViolations(violations)).toEqual([]);
  } finally {
    await context.close();
  }
});

test("the watcher sees a violation when there is one (a script without the nonce is refused)", async ({ browser }) => {
  const context = await browser.newContext({ baseURL: appOrigin });
  const violations = await watchCspViolations(context);
  const page = await context.newPage();
  await page.goto("/signed-out");
  await page.evaluate(() => {
    const script = document.createElement("div");
    script.innerHTML = "<img src=x onerror=\"document.title='pwned'\">";
    document.body.append(script);
  });
  await expect.poll(() => violations.length).toBeGreaterThan(0);
  expect(await page.title()).not.toBe("pwned");
  expect(violations.some((v) => v.directive === "script-src-attr" || v.directive === "script-src")).toBe(true);
  await context.close();
});
