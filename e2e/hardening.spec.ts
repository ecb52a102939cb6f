// The app's origin as a client outside sees it, without a browser: a path
// under /graph/ that does not decode gets Graph's 400 (Next's own route would
// answer a bare 500), and the instance's health endpoints answer.
import { appOrigin } from "./fixtures/e2e-env";
import { expect, test } from "./fixtures/test";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test.describe("paths that do not decode", () => {
  for (const path of ["/graph/beta/me/notifications/%ff", "/graph/beta/me/%E0%A4%A", "/graph/beta/%", "/graph/%c3%28/x"]) {
    test(`${path} is Graph's 400 invalidRequest, with request ids`, async ({ request }) => {
      for (const method of ["GET", "PATCH", "DELETE"] as const) {
        const res = await request.fetch(`${appOrigin}${path}`, { method, headers: { "client-request-id": "e2e-bad-path" } });
        expect(res.status(), method).toBe(400);
        expect(res.headers()["content-type"]).toMatch(/^application\/json/);
        const requestId = res.headers()["request-id"];
        expect(requestId).toMatch(GUID);
        expect(res.headers()["client-request-id"]).toBe("e2e-bad-path");
        const body = (await res.json()) as { error: { code: string; innerError: Record<string, string> } };
        expect(body.error.code).toBe("invalidRequest");
        expect(body.error.innerError["request-id"]).toBe(requestId);
      }
    });
  }

  test("a path that decodes still reaches the service (401 without a token)", async ({ request }) => {
    const res = await request.get(`${appOrigin}/graph/beta/me/notifications/%C3%A9`);
    expect(res.status()).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
  });
});

test("the app instance answers /healthz and /readyz", async ({ request }) => {
  const live = await request.get(`${appOrigin}/healthz`);
  expect(live.status()).toBe(200);
  expect(await live.json()).toEqual({ status: "ok" });
  const ready = await request.get(`${appOrigin}/readyz`);
  expect(ready.status()).toBe(200);
  expect(await ready.json()).toMatchObject({ status: "ready", checks: { service: "ok", database: "ok", queue: "ok" } });
});

test.describe("security headers", () => {
  for (const path of ["/", "/signed-out", "/settings", "/support", "/graph/beta/me/notifications"]) {
    test(`${path} may not be framed, and isolates its window`, async ({ request }) => {
      const h = (await request.get(`${appOrigin}${path}`)).headers();
      expect(h["x-frame-options"]).toBe("DENY");
      expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
      expect(h["cross-origin-opener-policy"]).toBe("same-origin");
      expect(h["permissions-policy"]).toContain("camera=()");
      expect(h["x-content-type-options"]).toBe("nosniff");
      expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    });
  }

  test("/redirect, which MSAL frames for silent sign-in, may be framed by the app alone", async ({ request }) => {
    const h = (await request.get(`${appOrigin}/redirect`)).headers();
    expect(h["x-frame-options"]).toBe("SAMEORIGIN");
    expect(h["content-security-policy"]).toContain("frame-ancestors 'self'");
    expect(h["content-security-policy"]).not.toContain("frame-ancestors 'none'");
    // Only the framing differs: the rest of the page policy (e2e/csp.spec.ts) holds here too.
    expect(h["content-security-policy"]).toContain("'strict-dynamic'");
    expect(h["cross-origin-opener-policy"]).toBe("same-origin");
  });

  test("another site cannot show the inbox in a frame", async ({ page }) => {
    // A page of another origin framing the app: the browser shows its error page in the frame instead.
    await page.route("http://framing.test/", (route) =>
      route.fulfill({ contentType: "text/html", body: `<iframe id="f" src="${appOrigin}/"></iframe>` }),
    );
    await page.goto("http://framing.test/");
    await expect.poll(() => page.frames().length).toBe(2);
    const child = page.frames()[1]!;
    await expect.poll(() => child.url(), { timeout: 10_000 }).toMatch(/^chrome-error:/);
  });
});
