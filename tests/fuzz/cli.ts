// `npm run fuzz -- [--requests 100000] [--seed n]`: the API fuzzer (requests.ts)
// against the real service and the local identity provider, started here on
// loopback (PGlite in a temporary folder). Prints the statuses it saw; exits 1
// with fast-check's shrunk counterexample on the first failure.
import { parseArgs } from "node:util";
import { startStack } from "../../testing/stack";
import { fuzz, fuzzTarget } from "./requests";

const { values } = parseArgs({ options: { requests: { type: "string" }, seed: { type: "string" } } });
const requests = Number(values.requests ?? 100_000);
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
if (!Number.isInteger(requests) || requests < 1 || !Number.isInteger(seed)) {
  console.error("Usage: npm run fuzz -- [--requests 100000] [--seed n]");
  process.exit(2);
}

const stack = await startStack();
const began = Date.now();
let code = 0;
try {
  console.log(`fuzz: ${requests.toLocaleString("en")} requests, seed ${seed} (replay with --seed ${seed})`);
  const report = await fuzz(await fuzzTarget(stack), {
    requests,
    seed,
    onProgress: (n) => process.stderr.write(`  ${n.toLocaleString("en")} sent\n`),
  });
  const statuses = [...report.statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(" ");
  console.log(`fuzz: no 5xx, every error Graph's error JSON, nothing stored by a rejected request (${((Date.now() - began) / 1000).toFixed(0)} s)`);
  console.log(`statuses: ${statuses}`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  code = 1;
} finally {
  await stack.close();
}
process.exit(code);
