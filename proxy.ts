// Next's proxy (Next 16's name for middleware): it runs before Next routes a
// request. One job: a path under /graph/ whose percent-escapes do not decode
// (`%ff`, a bare `%`: not UTF-8) never reaches the service, because Next's
// /graph/[...path] route fails to decode its parameter and answers a bare
// `500 text/plain`. Such a path can name no resource: it is answered here
// with Graph's 400 error JSON, request ids included, as the service would.
import { randomUUID } from "node:crypto";
import type { NextRequest } from "next/server";
import { GraphError, echoableClientRequestId, graphErrorResponse } from "./server/http/graph-error";

export function proxy(request: NextRequest): Response | undefined {
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

export const config = { matcher: "/graph/:path*" };
