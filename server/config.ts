// Service configuration, read from the environment once per process.
// Every default is the embedded one: local identity provider, PGlite in ./.data.
import path from "node:path";
import { API_AUDIENCE } from "../contracts/identity";

export interface ServiceConfig {
  /** Where PGlite keeps its files, and where generated secrets live. */
  dataDir: string;
  /** postgres://… to use PostgreSQL instead of the embedded PGlite. */
  databaseUrl: string | undefined;
  /** Token issuer (`iss`) the service accepts. */
  issuer: string;
  /** JWKS to verify signatures with; default: the issuer's discovery document. */
  jwksUri: string | undefined;
  /** Audience (`aud`) the service accepts: its own app ID URI. */
  audience: string;
  /** Path the service is mounted at on the app's origin. */
  basePath: string;
  /** Public origin used to build absolute links (Location, nextLink); default: the request's. */
  publicOrigin: string | undefined;
  /** Seed the demo tenants, users and notifications on an empty store. */
  seedDemo: boolean;
  /** Web Push sender identity. Keys default to a pair generated into `$DATA_DIR/push/`. */
  vapid: { publicKey: string | undefined; privateKey: string | undefined; subject: string };
  /**
   * Push services beyond the browser vendors' built-in allowlist, as origins
   * (`https://127.0.0.1:9443`); `origin=display-only` marks one whose browsers
   * must show a notification for every push (as Apple's do). Tests use this.
   */
  extraPushServices: string[];
}

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === "") return fallback;
  return !/^(0|false|no|off)$/i.test(value);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const idpPort = env.IDP_PORT || "4001";
  const issuer = (env.ISSUER || `http://localhost:${idpPort}`).replace(/\/$/, "");
  return {
    // `memory://` keeps the store in memory (tests); anything else is a folder.
    // (turbopackIgnore: a run-time folder, not a source the build should trace.)
    dataDir: env.DATA_DIR?.startsWith("memory://")
      ? env.DATA_DIR
      : path.resolve(/*turbopackIgnore: true*/ env.DATA_DIR || ".data"),
    databaseUrl: env.DATABASE_URL || undefined,
    issuer,
    jwksUri: env.JWKS_URI || undefined,
    audience: env.API_AUDIENCE || API_AUDIENCE,
    basePath: "/graph/beta",
    publicOrigin: env.PUBLIC_ORIGIN?.replace(/\/$/, "") || undefined,
    seedDemo: bool(env.SEED_DEMO, !env.DATABASE_URL),
    vapid: {
      publicKey: env.VAPID_PUBLIC_KEY || undefined,
      privateKey: env.VAPID_PRIVATE_KEY || undefined,
      subject: env.VAPID_SUBJECT || "mailto:notifications@localhost",
    },
    extraPushServices: (env.PUSH_SERVICES || "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  };
}
