// GET /api-reference (app/api-reference/route.ts) and its script: Scalar's
// page for the service's OpenAPI document, made to run under a script policy
// of 'self' (no inline script) and to reach nothing outside this origin.
import { afterEach, describe, expect, it } from "vitest";
import { GET as page } from "@/app/api-reference/route";
import { GET as script } from "@/app/api-reference/scalar.js/route";

const before = process.env.API_BASE_URL;
afterEach(() => {
  if (before === undefined) delete process.env.API_BASE_URL;
  else process.env.API_BASE_URL = before;
});

/** Each <script …>…</script> of the page: its attributes and its text. */
function scripts(html: string): { attrs: string; text: string }[] {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attrs: m[1]!, text: m[2]! }));
}

/** An attribute's value, its entities decoded as a browser does (the page escapes &, ", < and >). */
function attr(attrs: string, name: string): string | undefined {
  const raw = new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(attrs)?.[1];
  return raw?.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

describe("GET /api-reference", () => {
  it("renders the service's document with Scalar from this origin, with no script to run inline", async () => {
    const res = await page();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await res.text();
    const [config, bundle, ...others] = scripts(html);
    expect(others).toEqual([]);
    // A JSON data block (never executed) that Scalar reads its settings from.
    expect(attr(config!.attrs, "id")).toBe("api-reference");
    expect(attr(config!.attrs, "type")).toBe("application/json");
    expect(config!.text).toBe("");
    expect(attr(config!.attrs, "data-url")).toBe("/graph/beta/openapi.json");
    // Scalar off the internet: no web fonts, no telemetry, no toolbar that uploads the document.
    expect(JSON.parse(attr(config!.attrs, "data-configuration")!)).toMatchObject({ withDefaultFonts: false, telemetry: false, showDeveloperTools: "never" });
    expect(attr(bundle!.attrs, "src")).toMatch(/^\/api-reference\/scalar\.js\?v=\d+\.\d+\.\d+$/);
    expect(bundle!.text).toBe("");
    expect(html).not.toMatch(/https?:\/\//);
  });

  it("follows API_BASE_URL, as the app's runtime configuration does", async () => {
    process.env.API_BASE_URL = "https://api.example.com/graph/beta/";
    const html = await (await page()).text();
    expect(attr(scripts(html)[0]!.attrs, "data-url")).toBe("https://api.example.com/graph/beta/openapi.json");
  });
});

describe("GET /api-reference/scalar.js", () => {
  it("serves the bundle the page names, cached for good under its version's URL, and answers 304 to its ETag", async () => {
    const html = await (await page()).text();
    const src = attr(scripts(html)[1]!.attrs, "src")!;
    const res = await script(new Request(`http://localhost${src}`));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1_000_000);
    const again = await script(new Request(`http://localhost${src}`, { headers: { "if-none-match": res.headers.get("etag")! } }));
    expect(again.status).toBe(304);
    const otherVersion = await script(new Request("http://localhost/api-reference/scalar.js?v=0.0.1"));
    expect(otherVersion.headers.get("cache-control")).toBe("no-cache");
  });
});
