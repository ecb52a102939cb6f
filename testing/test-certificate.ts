// A self-signed TLS certificate for `localhost` / 127.0.0.1, made with openssl
// once and reused by every process: the fake push service must speak https
// because `web-push` always does (field notes), and the sender trusts this
// certificate through NODE_EXTRA_CA_CERTS or an agent's `ca`.
//
// Synchronous on purpose: playwright.config.ts needs the file's path while it
// builds the web server's environment, before anything async can run.
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface TestCertificate {
  /** PEM of the self-signed certificate: it is its own CA, so this is also what a client trusts. */
  certPem: string;
  keyPem: string;
  /** Absolute path of the certificate (for NODE_EXTRA_CA_CERTS). */
  certFile: string;
  keyFile: string;
}

/** Gitignored; one folder per machine, shared by parallel test processes. */
// (The repository root is found here, not imported from e2e-env, which imports this module.)
export const defaultCertificateDir = path.join(fileURLToPath(new URL("..", import.meta.url)), ".test-certs", "localhost");

/** A day of margin so a certificate never expires in the middle of a run. */
const RENEW_BEFORE_MS = 24 * 3600 * 1000;

function readIfValid(dir: string): TestCertificate | undefined {
  const certFile = path.join(dir, "cert.pem");
  const keyFile = path.join(dir, "key.pem");
  if (!existsSync(certFile) || !existsSync(keyFile)) return undefined;
  try {
    const certPem = readFileSync(certFile, "utf8");
    const keyPem = readFileSync(keyFile, "utf8");
    const cert = new X509Certificate(certPem);
    if (Date.parse(cert.validTo) - Date.now() < RENEW_BEFORE_MS) return undefined;
    if (!cert.checkHost("localhost") || !cert.checkIP("127.0.0.1")) return undefined;
    return { certPem, keyPem, certFile, keyFile };
  } catch {
    return undefined;
  }
}

/** Returns the certificate in `dir`, generating it first when missing, unreadable or near expiry. */
export function ensureTestCertificate(dir: string = defaultCertificateDir): TestCertificate {
  const found = readIfValid(dir);
  if (found) return found;

  // Generate into a sibling temp folder and rename it into place, so a parallel
  // process never reads a key that does not match its certificate.
  const parent = path.dirname(dir);
  mkdirSync(parent, { recursive: true });
  const tmp = mkdtempSync(path.join(parent, ".tmp-"));
  try {
    execFileSync(
      "openssl",
      [
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", path.join(tmp, "key.pem"), "-out", path.join(tmp, "cert.pem"),
        "-days", "3650", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,digitalSignature,keyCertSign",
        "-addext", "extendedKeyUsage=serverAuth",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(tmp, dir);
    } catch (err) {
      // Another process won the race: use its certificate.
      const theirs = readIfValid(dir);
      if (theirs) return theirs;
      throw err;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const made = readIfValid(dir);
  if (!made) throw new Error(`generated a test certificate in ${dir} but cannot read it back`);
  return made;
}
