// Runs commands side by side, each line of their output prefixed with the job's name, and reports how
// each ended and how long it took (scripts/test-parallel.ts).
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const bin = (name: string) => path.join(repoRoot, "node_modules", ".bin", name);

export interface Job {
  name: string;
  cmd: string;
  args: string[];
  env?: Record<string, string>;
}

export interface JobResult {
  job: Job;
  code: number;
  seconds: number;
}

function runJob(job: Job): Promise<JobResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(job.cmd, job.args, { cwd: repoRoot, env: { ...process.env, ...job.env, FORCE_COLOR: "0" }, stdio: ["ignore", "pipe", "pipe"] });
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
    // Ctrl-C reaches the children through the process group; nothing to forward.
    child.on("close", (code, signal) => resolve({ job, code: code ?? (signal ? 1 : 0), seconds: Math.round((Date.now() - started) / 1000) }));
  });
}

/** Runs every job at once; prints one summary line per job; exits 1 if any failed, after all ended. */
export async function runJobsAndExit(jobs: Job[]): Promise<never> {
  const results = await Promise.all(jobs.map(runJob));
  for (const r of results) console.log(`[${r.job.name}] ${r.code === 0 ? "passed" : `failed (exit ${r.code})`} in ${r.seconds} s`);
  process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
}
