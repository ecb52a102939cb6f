// Next's proxy (Next 16's name for middleware): it runs before Next routes a request. Two jobs:
//
// 1. Security headers (lib/security-headers.ts): each response gets its Content-Security-Policy,
//    X-Frame-Options and, over https, HSTS. A page's policy carries a fresh nonce, which is also set
//    on the request (`Content-Security-Policy`, `x-nonce`): Next reads it there and puts it on its own
//    scripts, and the root layout on its inline one. Static files (/_next/static, icons) are skipped.
// 2. A path under /graph/ whose percent-escapes do not decode (`%ff`, a bare `%`: not UTF-8) never
//    reaches the service, because Next's /graph/[...path] route fails to decode its parameter and
//    answers a bare `500 text/plain`. Such a path can name no resource: it is answered here with
//    Graph's 400 error JSON, request ids included, as the service would.
import { randomUUID } from "node:crypto";
import { NextResponse, type NextRequest } from "next/server";
import { GraphError, echoableClientRequestId, graphErrorResponse } from "./server/http/graph-error";
import { isHttps, newNonce, policyKind, securityHeaders } from "./lib/security-headers";

export function proxy(request: NextRequest): Response {
  const pathname = request.nextUrl.pathname;
  const kind = policyKind(pathname);
  // The API's policy loads nothing, so it needs no nonce.
  const nonce = kind === "api" ? "" : newNonce();
  const headers = securityHeaders({ pathname, nonce, https: isHttps(request.nextUrl.protocol, process.env), env: process.env });
  let response: Response;
  if (kind === "api") {
    response = undecodablePath(request) ?? NextResponse.next();
  } else {
    const forwarded = new Headers(request.headers);
    forwarded.set("x-nonce", nonce);
    forwarded.set("Content-Security-Policy", headers["Content-Security-Policy"]!);
    response = NextResponse.next({ request: { headers: forwarded } });
  }
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

function undecodablePath(request: NextRequest): Response | undefined {
  try {
    decodeURIComponent(request.nextUrl.pathname);
    return undefined;
  } catch {
    const requestId = randomUUID();
    const clientRequestId = echoableClientRequestId(request.headers.get("client-request-id"));
    const error = new GraphError("invalidRequest", "The request path has a percent-escape that is not valid UTF-8.");
    const res = graphErrorResponse(error, requestId, clientRequestId);
    res.headers.set("request-id", requestId);
    if (clientRequestId !== undefined) res.headers.set("client-request-id", clientRequestId);
    return res;
  }
}

// Everything but the build's hashed static files and the icons (no policy applies to them).
export const config = { matcher: "/((?!_next/static|_next/image|icons/|favicon\\.ico).*)" };
