// The real identity provider and the real notifications service, in this
// process, each on a loopback port chosen by the OS, with PGlite in a fresh
// temporary folder — what `npm start` runs, minus Next and the demo seed.
import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { SENDER_CLIENT_ID } from "../../idp/demo-users";
import { startIdp } from "../../idp/index";
import { loadConfig } from "../../server/config";
import { startService } from "../../server/index";
import type { Db } from "../../server/store/db";
import { userToken } from "../../e2e/fixtures/tokens";

export interface Stack {
  /** The temporary data folder (PGlite, the provider's keys and sender secret); removed on close. */
  dataDir: string;
  issuer: string;
  senderClientId: string;
  senderSecret: string;
  /** e.g. http://127.0.0.1:41234/graph/beta */
  apiBase: string;
  /** The service's own store driver, for seeding and the raw-SQL timings. */
  db: Db;
  /** A delegated token for a demo user, by signing in through the provider's page. */
  userToken(upn: string): Promise<string>;
  close(): Promise<void>;
}

export async function startStack(tmpPrefix: string): Promise<Stack> {
  const dataDir = await mkdtemp(tmpPrefix);
  const closers: (() => Promise<void>)[] = [() => rm(dataDir, { recursive: true, force: true })];
  const close = async () => {
    for (const fn of closers.reverse()) await fn().catch(() => {});
  };
  try {
    const idp = await startIdp({ port: 0, dataDir, appOrigins: ["http://localhost:3000"] });
    closers.push(() => idp.close());

    // Always PGlite in the temp folder, always this provider, never the demo seed.
    const config = loadConfig({
      ...process.env,
      DATA_DIR: dataDir,
      DATABASE_URL: "",
      ISSUER: idp.issuer,
      JWKS_URI: "",
      PUBLIC_ORIGIN: "",
      SEED_DEMO: "false",
    });
    const service = await startService(config);
    closers.push(() => service.close());

    const server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: service.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s as Server));
    });
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const port = (server.address() as AddressInfo).port;

    return {
      dataDir,
      issuer: idp.issuer,
      senderClientId: SENDER_CLIENT_ID,
      senderSecret: idp.senderSecret,
      apiBase: `http://127.0.0.1:${port}${config.basePath}`,
      db: service.store.db,
      userToken: (upn) => userToken(idp.issuer, upn),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
