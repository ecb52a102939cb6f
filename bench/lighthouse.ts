// npm run bench:lighthouse — Lighthouse 12.2.3, mobile preset (its default: a mid-range phone, slow 4G
// and a 4× slower CPU, all simulated), on the signed-out landing and on the signed-in inbox: three
// runs each, the median of every number, and the machine's load average beside each run (on a shared
// machine the performance score follows the load; compare runs made at similar loads). A script, not a
// test: it prints a table and writes it to bench/results/.
//
// The app is the real one (`npm start`, the demo seed) on ports and a data folder of its own
// (testing/seeded-app.ts). Chromium is Debian's, started by chrome-launcher (CHROME_PATH, default
// /usr/bin/chromium); nothing is downloaded. The inbox runs keep the browser's storage (MSAL's session)
// and clear its HTTP cache and service worker before each run, so every run is a returning user's
// cold start. BENCH_PORT / BENCH_IDP_PORT (3920 / 4920), BENCH_DIST_DIR (.next: built first if the
// sources changed), BENCH_RUNS (3); `--no-write` only prints.
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import type { Result as LighthouseResult } from "lighthouse";
import { chromium } from "playwright";
import { DEMO_USERS } from "../contracts/demo-users";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../testing/chromium";
import { startSeededApp } from "../testing/seeded-app";

const log = (line: string) => process.stderr.write(`${line}\n`);
const env = (name: string, fallback: string) => process.env[name] || fallback;
const RUNS = Number(env("BENCH_RUNS", "3"));
const write = !process.argv.includes("--no-write");
const user = DEMO_USERS.find((u) => u.upn === "megan@contoso.test")!;
// The project's flags, with Chromium's new headless mode spelled out: with plain `--headless` the
// signed-in inbox's run came back without an LCP.
const CHROME_FLAGS = ["--headless=new", ...CHROMIUM_ARGS.filter((flag) => flag !== "--headless")];


interface Run {
  load: number;
  performance: number;
  accessibility: number;
  bestPractices: number;
  seo: number;
  lcpMs: number;
  tbtMs: number;
  cls: number;
  /** Audits that did not pass, by category, e.g. "seo: robots-txt". */
  failed: string[];
  /** The page asked the API for the inbox (the run was signed in). */
  signedIn: boolean;
}

const NUMBERS = ["performance", "accessibility", "bestPractices", "seo", "lcpMs", "tbtMs", "cls", "load"] as const;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function toRun(lhr: LighthouseResult, load: number): Run {
  const score = (id: string) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
  const numeric = (id: string) => lhr.audits[id]?.numericValue ?? Number.NaN;
  const failed: string[] = [];
  for (const [id, category] of Object.entries(lhr.categories)) {
    if (id === "performance") continue;
    for (const ref of category.auditRefs) {
      const audit = lhr.audits[ref.id];
      if (ref.weight > 0 && audit && audit.score !== null && audit.score < 1) failed.push(`${id}: ${ref.id}`);
    }
  }
  const requests = (lhr.audits["network-requests"]?.details as { items?: { url: string }[] } | undefined)?.items ?? [];
  return {
    load,
    performance: score("performance"),
    accessibility: score("accessibility"),
    bestPractices: score("best-practices"),
    seo: score("seo"),
    lcpMs: numeric("largest-contentful-paint"),
    tbtMs: numeric("total-blocking-time"),
    cls: numeric("cumulative-layout-shift"),
    failed,
    signedIn: requests.some((r) => /\/graph\/beta\/me\/notifications(\?|$)/.test(r.url)),
  };
}

function row(label: string, r: Pick<Run, (typeof NUMBERS)[number]>): string[] {
  return [
    label,
    String(r.performance),
    String(r.accessibility),
    String(r.bestPractices),
    String(r.seo),
    `${(r.lcpMs / 1000).toFixed(2)} s`,
    `${Math.round(r.tbtMs)} ms`,
    r.cls.toFixed(3),
    r.load.toFixed(1),
  ];
}

function renderTable(rows: string[][]): string {
  const header = ["page", "performance", "accessibility", "best practices", "SEO", "LCP", "TBT", "CLS", "load average (1 min)"];
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((l) => l[i]!.length)));
  const fmt = (l: string[]) => `| ${l.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [fmt(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(fmt)].join("\n");
}

async function main(): Promise<void> {
  const distDir = env("BENCH_DIST_DIR", ".next");
  log(`starting the app (${distDir})…`);
  const app = await startSeededApp({
    port: Number(env("BENCH_PORT", "3920")),
    idpPort: Number(env("BENCH_IDP_PORT", "4920")),
    dataDir: path.resolve(".data-bench-lighthouse"),
    distDir,
    seed: async () => undefined,
  });
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM_PATH, chromeFlags: CHROME_FLAGS });
  const results: { page: string; runs: Run[] }[] = [];
  try {
    const audit = async (url: string, keepStorage: boolean): Promise<Run> => {
      const load = os.loadavg()[0]!;
      const result = await lighthouse(url, { port: chrome.port, output: "json", logLevel: "error", disableStorageReset: keepStorage });
      if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
      if (result.lhr.runtimeError) throw new Error(`Lighthouse: ${result.lhr.runtimeError.code} ${result.lhr.runtimeError.message}`);
      return toRun(result.lhr, load);
    };

    // The landing, as a first visit: Lighthouse empties the origin's storage and cache before each run.
    const landing: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      landing.push(await audit(`${app.origin}/`, false));
      log(`landing run ${i + 1}: performance ${landing.at(-1)!.performance}, load ${landing.at(-1)!.load.toFixed(1)}`);
    }
    results.push({ page: "landing `/` (signed out)", runs: landing });

    // Sign in once through the real provider in the same browser; MSAL's session stays in its storage.
    const browser = await chromium.connectOverCDP(`http://127.0.0.1:${chrome.port}`);
    const context = browser.contexts()[0]!;
    const page = await context.newPage();
    await page.goto(app.origin + "/");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((u) => u.origin === app.issuer);
    await page.getByRole("button", { name: `Continue as ${user.name}` }).click();
    await page.getByRole("list", { name: "Notifications" }).getByRole("listitem").first().waitFor({ timeout: 60_000 });
    const cdp = await context.newCDPSession(page);
    const coldStart = async () => {
      await cdp.send("Storage.clearDataForOrigin", { origin: app.origin, storageTypes: "service_workers,cache_storage" });
      await cdp.send("Network.clearBrowserCache");
    };

    const inbox: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      await coldStart();
      const run = await audit(`${app.origin}/`, true);
      if (!run.signedIn) throw new Error("the inbox run did not reach the API: was the session lost?");
      inbox.push(run);
      log(`inbox run ${i + 1}: performance ${run.performance}, load ${run.load.toFixed(1)}`);
    }
    results.push({ page: "inbox `/` (signed in)", runs: inbox });
    await page.close();
    await browser.close();
  } finally {
    await chrome.kill();
    await app.close();
  }

  const medians = results.map(({ page, runs }) => row(`${page}, median of ${runs.length}`, Object.fromEntries(NUMBERS.map((k) => [k, median(runs.map((r) => r[k]))])) as Record<(typeof NUMBERS)[number], number>));
  const perRun = results.flatMap(({ page, runs }) => runs.map((r, i) => row(`${page}, run ${i + 1}`, r)));
  const failed = results.map(({ page, runs }) => {
    const ids = [...new Set(runs.flatMap((r) => r.failed))];
    return `- ${page}: ${ids.length ? ids.join(", ") : "every accessibility, best-practices and SEO audit passed in every run"}`;
  });
  const table = renderTable(medians);
  const machine = `${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" / ")} at the end`;
  console.log(`${table}\n\nEach run:\n\n${renderTable(perRun)}\n\nAudits not passed (accessibility, best practices, SEO):\n${failed.join("\n")}\n\n${machine}`);

  if (write) {
    const day = new Date().toISOString().slice(0, 10);
    const file = path.join("bench", "results", `lighthouse-${day}.md`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(
      file,
      [
        `# npm run bench:lighthouse, ${day}`,
        "",
        `Lighthouse 12.2.3, mobile preset (simulated slow 4G and 4× CPU slowdown), Debian chromium (headless); the real app (\`npm start\`, demo seed); ${machine}.`,
        "Each number is the median of its own column over the runs; the load average is the machine's 1-minute average when each run started.",
        "",
        table,
        "",
        "## Each run",
        "",
        renderTable(perRun),
        "",
        "## Audits not passed (accessibility, best practices, SEO)",
        "",
        ...failed,
        "",
      ].join("\n"),
    );
    log(`wrote ${file}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
