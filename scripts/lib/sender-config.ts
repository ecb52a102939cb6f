// Where the sender CLI finds the issuer, its client credentials and the API,
// read from the environment with the embedded defaults (local provider on
// $IDP_PORT, service on $PORT).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { SENDER_CLIENT_ID } from "../../contracts/demo-users";
import { API_AUDIENCE } from "../../contracts/identity";
import type { Env } from "./send-args";

export interface SenderConfig {
  issuer: string;
  clientId: string;
  /** Scope for the client-credentials grant: the API's `.default`, as Entra ID expects. */
  scope: string;
  apiUrl: string;
  /** Where the secret would be read from if no variable names one (for error messages). */
  secretFile: string;
}

export function loadSenderConfig(env: Env = process.env): SenderConfig {
  const issuer = (env.ISSUER || `http://localhost:${env.IDP_PORT || "4001"}`).replace(/\/+$/, "");
  const apiUrl = (env.API_URL || `http://localhost:${env.PORT || "3000"}/graph/beta`).replace(/\/+$/, "");
  const audience = (env.API_AUDIENCE || API_AUDIENCE).replace(/\/+$/, "");
  return {
    issuer,
    clientId: env.SEND_CLIENT_ID || SENDER_CLIENT_ID,
    scope: `${audience}/.default`,
    apiUrl,
    secretFile: path.resolve(env.DATA_DIR || ".data", "idp", "sender-secret"),
  };
}

/**
 * The client secret: SEND_CLIENT_SECRET, else IDP_SENDER_SECRET (what the local
 * provider was started with), else the secret the local provider generated into
 * its data folder. Throws a message that says where it looked.
 */
export async function resolveClientSecret(config: SenderConfig, env: Env = process.env): Promise<string> {
  const fromEnv = env.SEND_CLIENT_SECRET || env.IDP_SENDER_SECRET;
  if (fromEnv) return fromEnv;
  try {
    const secret = (await readFile(config.secretFile, "utf8")).trim();
    if (secret) return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  throw new Error(
    `no client secret: set SEND_CLIENT_SECRET (or IDP_SENDER_SECRET), or start the local provider so it writes ${config.secretFile}`,
  );
}
