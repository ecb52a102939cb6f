// Serves the service worker built by scripts/build-sw.ts from this build's dist
// folder. `no-cache` makes every update check revalidate (the ETag answers
// unchanged bytes with 304); `Service-Worker-Allowed: /` states the scope.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";

export const runtime = "nodejs";
// Read per request: the file belongs to the build, not to this route's compiled output.
export const dynamic = "force-dynamic";

function workerPath(): string {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), distDir, "sw", "sw.js");
}

export async function GET(req: Request): Promise<Response> {
  let body: Buffer;
  try {
    body = await readFile(workerPath());
  } catch {
    // `next dev`, or a build without scripts/build-sw.ts: no worker (registration is skipped in dev).
    return new Response("No service worker in this build.\n", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }
  const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
  const headers = {
    "Content-Type": "text/javascript; charset=utf-8",
    "Cache-Control": "no-cache",
    "Service-Worker-Allowed": "/",
    ETag: etag,
  };
  if (req.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(body), { headers });
}
