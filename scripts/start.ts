// `npm start`: everything on its embedded defaults, in one terminal.
// Builds the app when its sources changed since the last build, runs the local
// identity provider in this process, and `next start` (which opens PGlite and
// seeds the demo on an empty store) as a child. Ctrl-C stops both.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, loadConfig, validateConfig } from "../server/config";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dev = process.argv.includes("--dev");
/** `--build-only`: build when the sources changed, then exit (`npm test` builds this way beside the unit tests). */
const buildOnly = process.argv.includes("--build-only");

const port = process.env.PORT || "3000";
const idpPort = process.env.IDP_PORT || "4001";
// `next dev` and `next start` must never share a PGlite folder (see field notes).
const dataDir = path.resolve(root, process.env.DATA_DIR || (dev ? ".data-dev" : ".data"));
const distDir = process.env.NEXT_DIST_DIR || (dev ? ".next-dev" : ".next");
// The local provider's redirect URIs; the service builds links on APP_ORIGIN only when it is set.
const appOrigin = process.env.APP_ORIGIN || `http://localhost:${port}`;
const useLocalIdp = !process.env.AUTH_AUTHORITY && process.env.LOCAL_IDP !== "0";

const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");

// What a build depends on; a change in any of these triggers a rebuild.
const BUILD_INPUTS = [
  "app", "components", "lib", "server", "public", "sw", "contracts",
  "instrumentation.ts", "proxy.ts", "next.config.js", "tsconfig.json", "package-lock.json",
  // The service worker build script (its sources are in sw/, above).
  "scripts/build-sw.ts",
];

function sourceFingerprint(): string {
  const hash = createHash("sha256");
  const visit = (rel: string) => {
    const abs = path.join(root, rel);
    // A missing input counts too: removing a file (proxy.ts, say) is a change.
    if (!existsSync(abs)) {
      hash.update(rel).update("\0missing\0");
      return;
    }
    const st = statSync(abs);
    if (st.isDirectory()) {
      for (const name of readdirSync(abs).sort()) visit(path.join(rel, name));
    } else {
      hash.update(rel).update("\0").update(readFileSync(abs)).update("\0");
    }
  };
  BUILD_INPUTS.forEach(visit);
  return hash.digest("hex");
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, onSpawn: (child: ChildProcess) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: "inherit" });
    onSpawn(child);
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function buildIfNeeded(env: NodeJS.ProcessEnv, onSpawn: (child: ChildProcess) => void): Promise<void> {
  const stamp = path.join(root, distDir, ".source-fingerprint");
  const fingerprint = sourceFingerprint();
  const built = existsSync(path.join(root, distDir, "BUILD_ID")) && existsSync(path.join(root, distDir, "sw", "sw.js"));
  if (built && existsSync(stamp) && readFileSync(stamp, "utf8") === fingerprint) return;
  console.log(built ? "Sources changed since the last build: building…" : "First start: building the app…");
  const code = await run(process.execPath, [nextBin, "build"], env, onSpawn);
  if (code !== 0) throw new Error(`next build failed (exit ${code})`);
  // The service worker is built after the app: its precache list is the app build's output.
  const swCode = await run(process.execPath, ["--import", "tsx", path.join(root, "scripts", "build-sw.ts")], env, onSpawn);
  if (swCode !== 0) throw new Error(`service worker build failed (exit ${swCode})`);
  writeFileSync(stamp, fingerprint);
}

async function main(): Promise<void> {
  if (buildOnly) {
    await buildIfNeeded({ ...process.env, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1" }, () => {});
    return;
  }
  mkdirSync(dataDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: port,
    IDP_PORT: idpPort,
    DATA_DIR: dataDir,
    NEXT_DIST_DIR: distDir,
    NEXT_TELEMETRY_DISABLED: "1",
    // SIGTERM and SIGINT are the app's (instrumentation.ts): it closes the service, then exits.
    // Next's own handler would exit with the store open and push jobs cut off.
    NEXT_MANUAL_SIG_HANDLE: "true",
  };
  // Every configuration problem now, in words, before a build or a server starts.
  const problems = validateConfig(loadConfig(env), env);
  if (problems.length > 0) throw new ConfigError(problems);

  let idp: { issuer: string; close(): Promise<void> } | undefined;
  if (useLocalIdp) {
    const { startIdp } = await import("../idp/index");
    const started = await startIdp({
      port: Number(idpPort),
      dataDir, // startIdp keeps its files in $DATA_DIR/idp/, where the send CLI looks for the secret
      appOrigins: [appOrigin],
      senderSecret: process.env.IDP_SENDER_SECRET,
      log: (msg) => console.log(`[idp] ${msg}`),
    });
    idp = started;
    env.ISSUER ||= started.issuer;
    console.log(`[idp] ${started.issuer} (client credentials: notifications-sender / ${started.senderSecret})`);
  }

  const running: { build?: ChildProcess; app?: ChildProcess } = {};
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    // A SIGTERM (unlike Ctrl-C) reaches only this process: stop a build in progress as well as the app.
    for (const child of [running.build, running.app]) {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
    }
    await idp?.close().catch(() => undefined);
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  if (!dev) {
    await buildIfNeeded(env, (child) => (running.build = child)).catch((err: unknown) => {
      // A build stopped by stop() is not a failure to report: stop() finishes the shutdown.
      if (!stopping) throw err;
    });
  }
  if (stopping) return;

  const app = spawn(process.execPath, [nextBin, dev ? "dev" : "start", "-p", port], { cwd: root, env, stdio: "inherit" });
  running.app = app;
  app.on("exit", (code) => {
    if (!stopping) {
      console.error(`The app exited (code ${code ?? "?"}); stopping.`);
      void stop(code || 1);
    }
  });
  console.log(`\n  Inbox:    ${appOrigin}\n  Service:  ${appOrigin}/graph/beta\n  Data:     ${dataDir}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
