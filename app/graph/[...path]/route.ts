// The notifications service, mounted at /graph/* on the app's origin: every
// method goes to the one per-process service (see server/index.ts).
import { getService } from "@/server/index";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

async function handle(req: Request): Promise<Response> {
  let service;
  try {
    service = await getService();
  } catch (err) {
    console.error("[service] unavailable:", err instanceof Error ? err.message : err);
    const requestId = crypto.randomUUID();
    const body = {
      error: {
        code: "serviceNotAvailable",
        message: "The notifications service could not open its store.",
        innerError: { "request-id": requestId, date: new Date().toISOString().slice(0, 19) },
      },
    };
    return new Response(JSON.stringify(body), {
      status: 503,
      headers: { "Content-Type": "application/json; charset=utf-8", "Retry-After": "5", "request-id": requestId },
    });
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
