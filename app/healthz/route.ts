// Liveness: 200 {"status":"ok"} for as long as the process runs (server/health.ts).
import { handleLiveness } from "@/server/index";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = handleLiveness;
