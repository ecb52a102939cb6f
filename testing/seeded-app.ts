// The product as a user starts it (`npm start`: the local provider and the app), on ports and a data
// folder of its own, over a store seeded by SQL before it starts. A 10,000-item inbox takes a second
// this way; through the API it took minutes (PGlite runs one statement at a time, and the running
// app holds the folder's lock, so nothing else may write to it). For the e2e specs and benchmarks
// that need a big inbox.
import { spawn, type ChildProcess } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { seedDemo } from "../server/demo-seed";
import type { Db } from "../server/store/db";
import { openStore } from "../server/store/store";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

export interface SeededAppOptions {
  port: number;
  idpPort: number;
  /** Removed first: the app starts on the demo seed plus what `seed` writes. */
  dataDir: string;
  /** The build to serve (`npm start` builds it first if the sources changed). */
  distDir: string;
  seed: (db: Db) => Promise<unknown>;
  /** Show the app's output (build, sign-ins); otherwise only its last lines, if it fails to start. */
  log?: boolean;
}

export interface SeededApp {
  origin: string;
  issuer: string;
  /** The data folder (the app's PGlite store and the provider's files). */
  dataDir: string;
  /**
   * Sends `signal` to `npm start`'s process alone, as a process manager does (`docker stop`,
   * systemd), and resolves to its exit code (null: killed after 30 s). The folder is kept.
   */
  signal(signal: NodeJS.Signals): Promise<number | null>;
  /** The last 4,000 characters the app printed. */
  output(): string;
  /** Stops the provider and the app as Ctrl-C does, and removes the data folder. */
  close(): Promise<void>;
}

export async function startSeededApp(opts: SeededAppOptions): Promise<SeededApp> {
  const dataDir = path.resolve(opts.dataDir);
  await rm(dataDir, { recursive: true, force: true });
  const store = await openStore({ dataDir, databaseUrl: undefined });
  try {
    await seedDemo(store.db, new Date());
    await opts.seed(store.db);
  } finally {
    await store.close();
  }

  const origin = `http://localhost:${opts.port}`;
  const issuer = `http://localhost:${opts.idpPort}`;
  const child = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "scripts", "start.ts")], {
    cwd: repoRoot,
    // No /metrics listener: the port (9464) is the suite's own app's, which may be running beside this one.
    // No rate limits: the specs and benchmarks page through big inboxes as fast as they can.
    env: { ...process.env, PORT: String(opts.port), IDP_PORT: String(opts.idpPort), DATA_DIR: dataDir, NEXT_DIST_DIR: opts.distDir, METRICS_PORT: "off", RATE_LIMIT: "off" },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so close() reaches the provider and `next start` too.
    detached: true,
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    if (opts.log) process.stderr.write(chunk);
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const close = async () => {
    await stop(child, exited);
    await rm(dataDir, { recursive: true, force: true });
  };
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill(sig);
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // Already gone.
      }
    }, 30_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  try {
    await waitForOk([`${origin}/`, `${issuer}/.well-known/openid-configuration`], exited, 240_000);
  } catch (error) {
    await close();
    throw new Error(`${(error as Error).message}\n--- the app's last output ---\n${output}`);
  }
  return { origin, issuer, dataDir, signal, output: () => output, close };
}

async function waitForOk(urls: string[], exited: Promise<number | null>, timeoutMs: number): Promise<void> {
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  const deadline = Date.now() + timeoutMs;
  for (const url of urls) {
    for (;;) {
      if (gone !== undefined) throw new Error(`the app exited (code ${gone}) before ${url} answered`);
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
      const ok = await fetch(url).then(
        (res) => res.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function stop(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const group = -child.pid!;
  process.kill(group, "SIGINT");
  const timer = setTimeout(() => {
    try {
      process.kill(group, "SIGKILL");
    } catch {
      // Already gone.
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
}
