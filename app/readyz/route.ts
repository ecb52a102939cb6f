// Readiness: 200 once the process's service is open and its database and push
// queue answer; 503 with Retry-After and the failed check otherwise (server/health.ts).
import { handleReadiness } from "@/server/index";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = handleReadiness;
