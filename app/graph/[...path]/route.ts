// The notifications service, mounted at /graph/* on the app's origin: every
// method goes to the one per-process service (see server/index.ts).
import { GraphError, echoableClientRequestId, errorBody } from "@/server/http/graph-error";
import { getService } from "@/server/index";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

async function handle(req: Request): Promise<Response> {
  let service;
  try {
    service = await getService();
  } catch (err) {
    console.error("[service] unavailable:", err instanceof Error ? err.message : err);
    // The same Graph error the service gives, request ids included, so clients can correlate it.
    const requestId = crypto.randomUUID();
    const clientRequestId = echoableClientRequestId(req.headers.get("client-request-id"));
    const error = new GraphError("serviceNotAvailable", "The notifications service could not open its store.", { "Retry-After": "5" });
    const headers = new Headers({ "Content-Type": "application/json; charset=utf-8", ...error.headers, "request-id": requestId });
    if (clientRequestId !== undefined) headers.set("client-request-id", clientRequestId);
    return new Response(errorBody(error, requestId, clientRequestId, new Date()), { status: error.status, headers });
  }
  return service.fetch(req);
}

export const GET = handle;
export const POST = handle;
export const PATCH = handle;
export const PUT = handle;
export const DELETE = handle;
export const OPTIONS = handle;
export const HEAD = handle;
