// npm run bench:inbox — the inbox page with 10,000 notifications, in Chromium: rows and elements in the
// DOM, long tasks (PerformanceObserver "longtask"), time from a click to the change on screen for a
// mark-read and for view switches, what a window focus costs, and the JS heap. A script, not a test: it
// prints a table and writes it to bench/results/.
//
// The app is the real one (`npm start`) over a store seeded by SQL before it starts
// (testing/seeded-app.ts). BENCH_PORT / BENCH_IDP_PORT (3900 / 4900), BENCH_DIST_DIR (.next: built
// first if the sources changed), BENCH_BIG (10000); `--no-write` only prints.
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium, type Page } from "playwright";
import { DEMO_USERS } from "../contracts/demo-users";
import { seed } from "../testing/bulk-seed";
import { startSeededApp } from "../testing/seeded-app";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../testing/chromium";

const log = (line: string) => process.stderr.write(`${line}\n`);
const env = (name: string, fallback: string) => process.env[name] || fallback;
const BIG = Number(env("BENCH_BIG", "10000"));
const write = !process.argv.includes("--no-write");
const user = DEMO_USERS.find((u) => u.upn === "adele@contoso.test")!;

const LIST = '[role="list"][aria-label="Notifications"]';

interface Phase {
  what: string;
  /** Click (or event) to the change painted, ms. */
  ms?: number;
  longTasks: number[];
  rows: number;
  elements: number;
  requests: number;
  note?: string;
}

// Collected in the page from its first script on.
const OBSERVE_LONG_TASKS = `() => {
  window.__longTasks = [];
  window.__requests = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
  }).observe({ type: "longtask", buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.name.includes("/graph/")) window.__requests++;
  }).observe({ type: "resource" });
}`;

async function takeCounters(page: Page): Promise<{ longTasks: number[]; requests: number; rows: number; elements: number }> {
  return page.evaluate((list) => {
    const w = window as unknown as { __longTasks: number[]; __requests: number };
    const out = { longTasks: w.__longTasks, requests: w.__requests };
    w.__longTasks = [];
    w.__requests = 0;
    return { ...out, rows: document.querySelectorAll(`${list} [role="listitem"]`).length, elements: document.getElementsByTagName("*").length };
  }, LIST);
}

/**
 * Runs `act` in the page and resolves with the ms until `done` holds and the next frame is painted.
 * Page code as text: tsx would wrap a function's inner functions in a helper the page lacks.
 */
async function timeToScreen(page: Page, act: string, done: string): Promise<number> {
  return page.evaluate(`new Promise((resolve, reject) => {
    const isDone = () => { ${done} };
    const start = performance.now();
    const timer = setTimeout(() => reject(new Error("not done within 30 s")), 30000);
    let finished = false;
    const check = () => {
      if (finished || !isDone()) return;
      finished = true;
      observer.disconnect();
      clearTimeout(timer);
      // The frame after the DOM change is the one that shows it.
      requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - start), 0));
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    ${act};
    check();
  })`);
}

async function heapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  await cdp.send("HeapProfiler.collectGarbage");
  const { metrics } = await cdp.send("Performance.getMetrics");
  await cdp.detach();
  return (metrics.find((m) => m.name === "JSHeapUsedSize")?.value ?? 0) / 1e6;
}

async function main(): Promise<void> {
  const distDir = env("BENCH_DIST_DIR", ".next");
  log(`seeding ${BIG.toLocaleString("en")} notifications for ${user.upn} and starting the app (${distDir})…`);
  const t0 = Date.now();
  const app = await startSeededApp({
    port: Number(env("BENCH_PORT", "3900")),
    idpPort: Number(env("BENCH_IDP_PORT", "4900")),
    dataDir: path.resolve(".data-bench-inbox"),
    distDir,
    seed: (db) => seed(db, { tenantId: user.tenantId, bigUser: user, big: BIG, users: 0, perUser: 0 }),
  });
  log(`app up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const phases: Phase[] = [];
  let heap = { loaded: 0 };
  let loadAllMs = 0;
  let mostRows = 0;
  try {
    const context = await browser.newContext({ baseURL: app.origin, viewport: { width: 1280, height: 800 } });
    await context.addInitScript(`(${OBSERVE_LONG_TASKS})()`);
    const page = await context.newPage();
    await page.goto("/");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((url) => url.origin === app.issuer);
    await page.getByRole("button", { name: `Continue as ${user.name}` }).click();
    await page.locator(`${LIST} [role="listitem"]`).first().waitFor();
    await takeCounters(page);

    log("scrolling to the end with the wheel…");
    const profiler = process.env.BENCH_PROFILE ? await page.context().newCDPSession(page) : undefined;
    if (profiler) {
      await profiler.send("Profiler.enable");
      await profiler.send("Profiler.start");
    }
    const started = Date.now();
    await page.mouse.move(640, 500);
    for (let turn = 0; turn < 2000; turn++) {
      await page.mouse.wheel(0, 8000);
      const state = await page.evaluate((list) => {
        const rows = document.querySelectorAll(`${list} [role="listitem"]`);
        const last = rows[rows.length - 1];
        return { rows: rows.length, size: last?.getAttribute("aria-setsize"), pos: last?.getAttribute("aria-posinset") };
      }, LIST);
      mostRows = Math.max(mostRows, state.rows);
      if (state.size !== "-1" && state.size === state.pos) break;
      await page.waitForTimeout(15);
    }
    loadAllMs = Date.now() - started;
    if (profiler) await writeProfileSummary((await profiler.send("Profiler.stop")).profile);
    const scrolled = await takeCounters(page);
    phases.push({ what: `scroll to the end (${BIG.toLocaleString("en")}+ items, all pages)`, ms: loadAllMs, ...scrolled, note: `most rows at once: ${mostRows}` });
    heap = { loaded: await heapMb(page) };
    await page.waitForTimeout(500);
    await takeCounters(page);

    // Mark-read, five times, on rows near the end.
    const markMs: number[] = [];
    let markCounters = { longTasks: [] as number[], requests: 0, rows: 0, elements: 0 };
    for (let i = 0; i < 5; i++) {
      const id = await page.locator(`${LIST} [data-unread="true"]`).last().getAttribute("data-item-id");
      const row = `document.querySelector('${LIST} [data-item-id="${id}"]')`;
      markMs.push(
        await timeToScreen(
          page,
          `[...${row}.querySelectorAll("button")].find((b) => b.textContent.trim() === "Mark as read").click()`,
          `return ${row}?.getAttribute("data-unread") === "false"`,
        ),
      );
      await page.waitForTimeout(400);
      const c = await takeCounters(page);
      markCounters = { ...c, longTasks: [...markCounters.longTasks, ...c.longTasks], requests: markCounters.requests + c.requests };
    }
    phases.push({ what: "mark-read, in place (×5; ms = median, max)", ms: median(markMs), ...markCounters, note: `max ${Math.max(...markMs).toFixed(0)} ms; PATCHes + count: ${markCounters.requests}` });

    const view = (name: string) => `[...document.querySelectorAll("button")].find((b) => b.textContent.trim() === "${name}").click()`;
    const pressed = (name: string) => `[...document.querySelectorAll("button")].find((b) => b.textContent.trim() === "${name}")?.getAttribute("aria-pressed") === "true"`;
    const firstRow = `document.querySelector('${LIST} [role="listitem"][aria-posinset="1"]')`;

    for (const [name, done, what] of [
      ["Unread", `return ${pressed("Unread")} && !!${firstRow} && [...document.querySelectorAll('${LIST} [role="listitem"]')].every((r) => r.getAttribute("data-unread") === "true")`, "view switch All → Unread (first visit: one page fetched)"],
      ["All", `return ${pressed("All")} && ${firstRow}?.getAttribute("aria-setsize") === "${BIG + 20}"`, `view switch Unread → All (${BIG.toLocaleString("en")}+ items from the cache)`],
      ["Unread", `return ${pressed("Unread")} && !!${firstRow} && [...document.querySelectorAll('${LIST} [role="listitem"]')].every((r) => r.getAttribute("data-unread") === "true")`, "view switch All → Unread (cached)"],
      ["All", `return ${pressed("All")} && ${firstRow}?.getAttribute("aria-setsize") === "${BIG + 20}"`, "view switch Unread → All (cached)"],
    ] as const) {
      const ms = await timeToScreen(page, view(name), done);
      await page.waitForTimeout(1500);
      phases.push({ what, ms, ...(await takeCounters(page)) });
    }

    // Focus: the page coming back catches up its first page only.
    await page.waitForTimeout(5500);
    await takeCounters(page);
    await page.evaluate(() => window.dispatchEvent(new Event("focus")));
    await page.waitForTimeout(2000);
    phases.push({ what: "window focus (catch-up)", ...(await takeCounters(page)) });

    // Typing a search, one key at a time, then clearing it.
    const search = page.getByRole("searchbox", { name: "Search notifications" });
    await search.click();
    await page.keyboard.type("Notification 42", { delay: 60 });
    await page.waitForTimeout(2000);
    await search.press("Escape");
    await page.waitForTimeout(2000);
    phases.push({ what: "typing a search, then Escape", ...(await takeCounters(page)) });
  } finally {
    await browser.close();
    await app.close();
  }

  const table = renderPhases(phases);
  const summary =
    `Loaded: ${BIG.toLocaleString("en")} + 20 items; JS heap after loading them all (after GC): ${heap.loaded.toFixed(1)} MB; ` +
    `most item rows in the DOM at once: ${mostRows}.`;
  const out = [table, "", summary].join("\n");
  process.stdout.write(`${out}\n`);
  if (write) {
    const day = new Date().toISOString().slice(0, 10);
    const file = path.join("bench", "results", `inbox-${day}.md`);
    await mkdir(path.dirname(file), { recursive: true });
    const machine = `${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" / ")} at the end`;
    await writeFile(
      file,
      [
        `# npm run bench:inbox, ${day}`,
        "",
        `Debian chromium (headless), 1280×800; the real app (\`npm start\`) with ${BIG.toLocaleString("en")} notifications seeded by SQL for one user; ${machine}.`,
        "\"ms\" is from the click (or event) to the frame after the DOM shows the change; long tasks are the page's PerformanceObserver \"longtask\" entries (> 50 ms) during that step.",
        "",
        out,
        "",
      ].join("\n"),
    );
    log(`written to ${file}`);
  }
}

/** BENCH_PROFILE=1: the functions with the most self time while scrolling, to stderr. */
async function writeProfileSummary(profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples?: number[]; timeDeltas?: number[] }): Promise<void> {
  const self = new Map<number, number>();
  profile.samples?.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas?.[i] ?? 0)));
  const byName = new Map<string, number>();
  for (const node of profile.nodes) {
    const key = `${node.callFrame.functionName || "(anonymous)"} ${node.callFrame.url.split("/").pop()}:${node.callFrame.lineNumber}`;
    byName.set(key, (byName.get(key) ?? 0) + (self.get(node.id) ?? 0));
  }
  for (const [name, us] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 25)) log(`${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function renderPhases(phases: Phase[]): string {
  const header = ["step", "ms", "long tasks", "longest task ms", "item rows in DOM", "DOM elements", "API requests", "note"];
  const lines = phases.map((p) => [
    p.what,
    p.ms === undefined ? "" : p.ms.toFixed(0),
    String(p.longTasks.length),
    p.longTasks.length ? Math.max(...p.longTasks).toFixed(0) : "–",
    String(p.rows),
    String(p.elements),
    String(p.requests),
    p.note ?? "",
  ]);
  const all = [header, ...lines];
  const widths = header.map((_, i) => Math.max(...all.map((l) => l[i]!.length)));
  const fmt = (l: string[]) => `| ${l.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [fmt(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...lines.map(fmt)].join("\n");
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
