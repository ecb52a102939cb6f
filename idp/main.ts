// `npm run idp`: the local OpenID provider on its own.
// Env: IDP_PORT (4001), DATA_DIR (./.data), APP_ORIGIN (http://localhost:$PORT, PORT 3000), IDP_SENDER_SECRET.
import { startIdp } from "./index";

async function main(): Promise<void> {
  const port = Number(process.env.IDP_PORT || "4001");
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`IDP_PORT must be a port number, got ${process.env.IDP_PORT}`);
  const dataDir = process.env.DATA_DIR || ".data";
  const appOrigins = (process.env.APP_ORIGIN || `http://localhost:${process.env.PORT || "3000"}`)
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);

  const idp = await startIdp({
    port,
    dataDir,
    appOrigins,
    senderSecret: process.env.IDP_SENDER_SECRET || undefined,
    log: (msg) => console.log(`[idp] ${msg}`),
  });

  const source = {
    option: "from IDP_SENDER_SECRET",
    file: `from ${dataDir}/idp/sender-secret`,
    generated: `generated into ${dataDir}/idp/sender-secret`,
  }[idp.senderSecretSource];
  console.log(`[idp] local OpenID provider at ${idp.issuer} (discovery: ${idp.issuer}/.well-known/openid-configuration)`);
  console.log(`[idp] notifications-sender secret (${source}): ${idp.senderSecret}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[idp] ${signal}: stopping`);
    idp.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error("[idp] failed to start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
