import { buildRuntimeConfig } from "@/lib/runtime-config";

// Read the environment per request: one build serves every deployment.
export const dynamic = "force-dynamic";

export function GET(): Response {
  return Response.json(buildRuntimeConfig(process.env), {
    headers: { "Cache-Control": "no-store" },
  });
}
