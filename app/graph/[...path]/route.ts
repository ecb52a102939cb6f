// The notifications service, mounted at /graph/* on the app's origin: every
// method goes to the one per-process service (see server/index.ts), which
// also answers Graph's 503 while it cannot open.
import { handleGraphRequest } from "@/server/index";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = handleGraphRequest;
export const POST = handleGraphRequest;
export const PATCH = handleGraphRequest;
export const PUT = handleGraphRequest;
export const DELETE = handleGraphRequest;
export const OPTIONS = handleGraphRequest;
export const HEAD = handleGraphRequest;
