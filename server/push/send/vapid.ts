// The service's VAPID key pair (RFC 8292): from configuration when given,
// else generated once into the data folder so browsers' subscriptions (bound
// to the public key) survive restarts.
import { createECDH, randomBytes } from "node:crypto";
import { chmod, mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import webpush from "web-push";
import type { ServiceConfig } from "../../config";

export interface VapidKeys {
  /** Uncompressed P-256 point, base64url (65 bytes decoded): the browser's applicationServerKey. */
  publicKey: string;
  /** P-256 private scalar, base64url (32 bytes decoded). */
  privateKey: string;
  /** `mailto:` or `https:` contact sent in the VAPID JWT's `sub`. */
  subject: string;
  source: "configuration" | "data folder" | "generated" | "memory";
}

const B64URL = /^[A-Za-z0-9_-]+$/;

/** Throws (naming `origin`) unless the two strings are a matching P-256 pair in base64url. */
export function assertVapidPair(publicKey: string, privateKey: string, origin: string): void {
  if (!B64URL.test(publicKey) || !B64URL.test(privateKey)) {
    throw new Error(`${origin}: VAPID keys must be base64url (A-Z a-z 0-9 - _, no padding).`);
  }
  const pub = Buffer.from(publicKey, "base64url");
  const priv = Buffer.from(privateKey, "base64url");
  if (pub.length !== 65 || pub[0] !== 0x04) throw new Error(`${origin}: the VAPID public key must be a 65-byte uncompressed P-256 point.`);
  if (priv.length !== 32) throw new Error(`${origin}: the VAPID private key must be 32 bytes.`);
  let derived: Buffer;
  try {
    const ecdh = createECDH("prime256v1");
    ecdh.setPrivateKey(priv);
    derived = ecdh.getPublicKey();
  } catch {
    throw new Error(`${origin}: the VAPID private key is not a valid P-256 key.`);
  }
  if (!derived.equals(pub)) throw new Error(`${origin}: the VAPID public key does not belong to the private key.`);
}

/**
 * The subject as web-push itself will judge it at every send (a WHATWG URL,
 * https: or mailto:): refused here at start, not as a failure of every push.
 */
function checkSubject(subject: string): void {
  const refuse = () => new Error(`VAPID_SUBJECT must be a mailto: or https: URL (got '${subject}').`);
  let url: URL;
  try {
    url = new URL(subject);
  } catch {
    throw refuse();
  }
  if (url.protocol === "https:" ? url.hostname === "" : url.protocol !== "mailto:" || url.pathname === "") throw refuse();
}

/**
 * The key file holds the private key: one that others may read (copied in,
 * restored from a backup, written under another umask) is narrowed to 0600,
 * and said so; when that is not allowed, the start still goes on, with a warning.
 */
async function keepPrivate(file: string): Promise<void> {
  if (process.platform === "win32") return;
  const mode = (await stat(file)).mode & 0o777;
  if ((mode & 0o077) === 0) return;
  try {
    await chmod(file, 0o600);
    console.warn(`[service] ${file} was readable by others (mode ${mode.toString(8)}): narrowed to 600.`);
  } catch (err) {
    console.warn(`[service] ${file} is readable by others (mode ${mode.toString(8)}) and cannot be narrowed: ${(err as Error).message}`);
  }
}

/**
 * Throws, with the problem in words, unless the configured VAPID settings are
 * usable: a mailto:/https: subject, and both keys (a matching pair) or neither.
 * Configuration validation (config.ts) and loadVapidKeys both ask this.
 */
export function checkVapidConfig(vapid: ServiceConfig["vapid"]): void {
  const { publicKey, privateKey, subject } = vapid;
  checkSubject(subject);
  if (publicKey !== undefined || privateKey !== undefined) {
    // Both or neither: half a pair would silently fall back to other keys.
    if (publicKey === undefined) throw new Error("VAPID_PRIVATE_KEY is set but VAPID_PUBLIC_KEY is missing.");
    if (privateKey === undefined) throw new Error("VAPID_PUBLIC_KEY is set but VAPID_PRIVATE_KEY is missing.");
    assertVapidPair(publicKey, privateKey, "VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY");
  }
}

export async function loadVapidKeys(
  config: Pick<ServiceConfig, "dataDir" | "vapid">,
): Promise<VapidKeys> {
  const { publicKey, privateKey, subject } = config.vapid;
  checkVapidConfig(config.vapid);
  if (publicKey !== undefined && privateKey !== undefined) {
    return { publicKey, privateKey, subject, source: "configuration" };
  }
  if (config.dataDir.startsWith("memory://")) {
    return { ...webpush.generateVAPIDKeys(), subject, source: "memory" };
  }

  const dir = path.join(config.dataDir, "push");
  const file = path.join(dir, "vapid.json");
  let text: string | undefined;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  if (text !== undefined) {
    let stored: { publicKey?: unknown; privateKey?: unknown };
    try {
      stored = JSON.parse(text) as typeof stored;
    } catch {
      throw new Error(`${file} is not JSON: fix or remove it (removing it invalidates every push subscription).`);
    }
    if (typeof stored.publicKey !== "string" || typeof stored.privateKey !== "string") {
      throw new Error(`${file} lacks publicKey/privateKey strings.`);
    }
    assertVapidPair(stored.publicKey, stored.privateKey, file);
    await keepPrivate(file);
    return { publicKey: stored.publicKey, privateKey: stored.privateKey, subject, source: "data folder" };
  }

  const keys = webpush.generateVAPIDKeys();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Written to a temporary name, flushed to disk, then renamed: neither a
  // crash nor a power cut leaves half (or an empty) key file under the real name.
  const tmp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await open(tmp, "wx", 0o600);
  try {
    try {
      await handle.writeFile(`${JSON.stringify({ publicKey: keys.publicKey, privateKey: keys.privateKey }, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    // No stray copy of a private key is left behind.
    await rm(tmp, { force: true });
    throw err;
  }
  return { ...keys, subject, source: "generated" };
}
