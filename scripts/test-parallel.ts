// `npm test`'s middle step: the unit and integration tests (Vitest) and the production build the
// end-to-end tests need, side by side — the build waits on the disk and the tests on their servers
// often enough that two cores do both in less time than one after the other. Each line of output is
// prefixed with its job; the step fails if either fails, after both have finished.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);

interface Job {
  name: string;
  cmd: string;
  args: string[];
  env?: Record<string, string>;
}

const jobs: Job[] = [
  // Both engines' suites (scripts/test-postgres.sh makes sure PostgreSQL runs and has the test roles).
  { name: "unit", cmd: "bash", args: ["scripts/test-postgres.sh", bin("vitest"), "run"] },
  // The build the e2e run's `npm start` would otherwise do first, into the folder it will use.
  { name: "build", cmd: bin("tsx"), args: ["scripts/start.ts", "--build-only"], env: { NEXT_DIST_DIR: process.env.E2E_DIST_DIR || ".next" } },
];

function runJob(job: Job): Promise<{ job: Job; code: number; seconds: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(job.cmd, job.args, { cwd: root, env: { ...process.env, ...job.env, FORCE_COLOR: "0" }, stdio: ["ignore", "pipe", "pipe"] });
    const prefix = (stream: NodeJS.WriteStream) => {
      let rest = "";
      return (chunk: Buffer) => {
        const lines = (rest + chunk.toString()).split("\n");
        rest = lines.pop() ?? "";
        for (const line of lines) stream.write(`[${job.name}] ${line}\n`);
      };
    };
    child.stdout.on("data", prefix(process.stdout));
    child.stderr.on("data", prefix(process.stderr));
    child.on("close", (code, signal) => resolve({ job, code: code ?? (signal ? 1 : 0), seconds: Math.round((Date.now() - started) / 1000) }));
  });
}

const results = await Promise.all(jobs.map(runJob));
for (const r of results) console.log(`[${r.job.name}] ${r.code === 0 ? "passed" : `failed (exit ${r.code})`} in ${r.seconds} s`);
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
