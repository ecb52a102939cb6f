// Builds the service worker after `next build`: esbuild bundles sw/sw.ts, then
// workbox-build injects the precache list (the build's hashed /_next/static
// files, the icons and manifest, and the app shell `/` revisioned by the build
// id). Output goes to `$NEXT_DIST_DIR/sw/sw.js` (not public/, so parallel builds
// with different dist dirs never collide); app/sw.js/route.ts serves it.
// Run: `tsx scripts/build-sw.ts` (npm run build and npm start do it).
import { build } from "esbuild";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { injectManifest } from "workbox-build";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface BuildServiceWorkerResult {
  swPath: string;
  count: number;
  size: number;
  warnings: string[];
}

/** Bundles and injects the worker for the Next build in `distDir` (relative to the repository root). */
export async function buildServiceWorker(distDir = process.env.NEXT_DIST_DIR || ".next"): Promise<BuildServiceWorkerResult> {
  const dist = path.resolve(root, distDir);
  const buildIdFile = path.join(dist, "BUILD_ID");
  if (!existsSync(buildIdFile)) throw new Error(`no Next build in ${dist}: run next build first`);
  const buildId = readFileSync(buildIdFile, "utf8").trim();
  const outDir = path.join(dist, "sw");
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const bundle = path.join(outDir, "sw.bundle.js");
  const swPath = path.join(outDir, "sw.js");

  await build({
    entryPoints: [path.join(root, "sw", "sw.ts")],
    outfile: bundle,
    bundle: true,
    format: "iife",
    target: "es2020",
    minify: true,
    legalComments: "none",
    // Workbox's modules keep development-only logging behind this check.
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "warning",
  });

  // Globs are relative to the repository root, so one pass covers the build output and public/.
  const rel = path.relative(root, dist).split(path.sep).join("/");
  const { count, size, warnings } = await injectManifest({
    swSrc: bundle,
    swDest: swPath,
    globDirectory: root,
    globPatterns: [`${rel}/static/**/*.{js,css,woff2,woff,png,svg,ico}`, "public/icons/*.{png,svg}", "public/manifest.webmanifest"],
    modifyURLPrefix: { [`${rel}/static/`]: "/_next/static/", "public/": "/" },
    // /_next/static names carry content hashes: no cache-busting query needed.
    dontCacheBustURLsMatching: /^\/_next\/static\//,
    // The shell's HTML changes with every build; the build id is its revision.
    additionalManifestEntries: [{ url: "/", revision: buildId }],
    maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
  });
  rmSync(bundle, { force: true });
  return { swPath, count, size, warnings };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = Date.now();
  buildServiceWorker().then(
    ({ swPath, count, size, warnings }) => {
      for (const w of warnings) console.warn(`[sw] ${w}`);
      console.log(`[sw] ${path.relative(root, swPath)}: ${count} precached files, ${(size / 1024).toFixed(0)} KiB, ${Date.now() - started} ms`);
    },
    (err: unknown) => {
      console.error(`[sw] build failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
