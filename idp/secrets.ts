// The IdP's long-lived secrets, kept in $DATA_DIR/idp/ so a restart keeps
// every signature, cookie and client secret valid. Files are created once,
// owner-only (0600), and reused.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdir, readFile, writeFile, chmod } from "node:fs/promises";
import path from "node:path";
import { exportJWK, generateKeyPair, type JWK } from "jose";

const FILE_MODE = 0o600;

export interface IdpSecrets {
  /** Private signing keys (RS256), newest first. */
  jwks: { keys: JWK[] };
  /** Keys that sign the provider's cookies. */
  cookieKeys: string[];
  /** The notifications-sender client's secret. */
  senderSecret: string;
  /** Where the sender secret came from, for the start banner. */
  senderSecretSource: "option" | "file" | "generated";
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Writes a new secret file; `wx` so two starters never overwrite each other's key. */
async function writeSecret(file: string, contents: string): Promise<string> {
  try {
    await writeFile(file, contents, { mode: FILE_MODE, flag: "wx" });
    return contents;
  } catch (err) {
    // Another process created it between our read and write: theirs wins.
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return readFile(file, "utf8");
    throw err;
  }
}

/** Reads or creates a secret file, and tightens a file left with looser permissions. */
async function loadOrCreate(file: string, create: () => Promise<string>): Promise<{ text: string; created: boolean }> {
  const existing = await readIfExists(file);
  if (existing !== undefined && existing.trim() !== "") {
    await chmod(file, FILE_MODE);
    return { text: existing, created: false };
  }
  return { text: await writeSecret(file, await create()), created: true };
}

async function newSigningKey(): Promise<string> {
  const { privateKey } = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  return JSON.stringify({ keys: [{ ...jwk, kid: randomUUID(), alg: "RS256", use: "sig" }] }, null, 2) + "\n";
}

export function idpDir(dataDir: string): string {
  return path.join(path.resolve(dataDir), "idp");
}

export async function loadSecrets(dataDir: string, senderSecretOption?: string): Promise<IdpSecrets> {
  const dir = idpDir(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });

  const jwksText = (await loadOrCreate(path.join(dir, "jwks.json"), newSigningKey)).text;
  const jwks = JSON.parse(jwksText) as { keys: JWK[] };
  if (!Array.isArray(jwks.keys) || jwks.keys.length === 0 || !jwks.keys.every((k) => k.d)) {
    throw new Error(`${path.join(dir, "jwks.json")} holds no private signing key; delete it to generate a new one`);
  }

  const cookieText = (
    await loadOrCreate(path.join(dir, "cookie-keys.json"), async () =>
      JSON.stringify([randomBytes(32).toString("base64url"), randomBytes(32).toString("base64url")]) + "\n",
    )
  ).text;
  const cookieKeys = JSON.parse(cookieText) as string[];

  let senderSecret: string;
  let senderSecretSource: IdpSecrets["senderSecretSource"];
  if (senderSecretOption) {
    senderSecret = senderSecretOption;
    senderSecretSource = "option";
  } else {
    const loaded = await loadOrCreate(path.join(dir, "sender-secret"), async () => randomBytes(32).toString("base64url") + "\n");
    senderSecret = loaded.text.trim();
    senderSecretSource = loaded.created ? "generated" : "file";
  }

  return { jwks, cookieKeys, senderSecret, senderSecretSource };
}
