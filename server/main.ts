// `npm run service`: the notifications service alone on SERVICE_PORT (3001),
// with /healthz and /readyz at its root and /metrics on METRICS_PORT (9464).
import { serve } from "@hono/node-server";
import { loadConfig } from "./config";
import { withHealthChecks } from "./health";
import { startService } from "./index";

async function main(): Promise<void> {
  const config = loadConfig();
  const port = Number(process.env.SERVICE_PORT || 3001);
  const service = await startService(config, { metricsListener: true });
  const server = serve({ fetch: withHealthChecks(service), port, hostname: process.env.SERVICE_HOST || "localhost" }, (info) => {
    console.log(`[service] listening on http://localhost:${info.port}${config.basePath} (data: ${config.dataDir}, issuer: ${config.issuer})`);
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[service] ${signal}: stopping`);
    server.close();
    service.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error("[service] close failed:", err);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error("[service] failed to start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
