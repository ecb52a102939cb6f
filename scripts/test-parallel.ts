// `npm test`'s middle step: the unit and integration tests (Vitest) and the production build the
// end-to-end tests need, side by side — the build waits on the disk and the tests on their servers
// often enough that two cores do both in less time than one after the other. Each line of output is
// prefixed with its job; the step fails if either fails, after both have finished.
import { bin, runJobsAndExit, type Job } from "./lib/run-jobs";

const jobs: Job[] = [
  // Both engines' suites (scripts/test-postgres.sh makes sure PostgreSQL runs and has the test roles).
  { name: "unit", cmd: "bash", args: ["scripts/test-postgres.sh", bin("vitest"), "run"] },
  // The build the e2e run's `npm start` would otherwise do first, into the folder it will use.
  { name: "build", cmd: bin("tsx"), args: ["scripts/start.ts", "--build-only"], env: { NEXT_DIST_DIR: process.env.E2E_DIST_DIR || ".next" } },
];

await runJobsAndExit(jobs);
