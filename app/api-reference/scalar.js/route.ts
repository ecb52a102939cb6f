// GET /api-reference/scalar.js?v=<version>: Scalar's browser bundle, from this
// origin (the reference page's CSP allows scripts from 'self' only). The page
// names the version in the URL, so the answer is cached for a year.
import { scalarBundle } from "../scalar-bundle";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(req: Request): Promise<Response> {
  const bundle = await scalarBundle();
  const asked = new URL(req.url).searchParams.get("v");
  const headers = {
    "Content-Type": "text/javascript; charset=utf-8",
    // Another version's URL (an old page) still gets this one, but not for keeps.
    "Cache-Control": asked === bundle.version ? "public, max-age=31536000, immutable" : "no-cache",
    ETag: bundle.etag,
  };
  if (req.headers.get("if-none-match") === bundle.etag) return new Response(null, { status: 304, headers });
  return new Response(bundle.body, { headers });
}
