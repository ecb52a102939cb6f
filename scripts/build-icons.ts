// Renders the icons that are drawn as SVG into the PNG and ICO files that need pixels: the favicon
// (app/favicon.ico: 16, 24, 32, 48 and 64 px from public/icons/icon.svg) and the manifest's
// shortcut icons (96 px). Chromium draws them, so small sizes get its anti-aliasing of the vector.
// Run after changing an SVG: `npx tsx scripts/build-icons.ts`; its output is committed.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright";
import { encodeIco } from "./lib/ico";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const icons = path.join(root, "public", "icons");
const FAVICON_SIZES = [16, 24, 32, 48, 64];
const SHORTCUTS = ["shortcut-unread", "shortcut-settings"];

async function main(): Promise<void> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    const render = async (svgFile: string, size: number): Promise<Buffer> => {
      const svg = readFileSync(path.join(icons, svgFile)).toString("base64");
      await page.setViewportSize({ width: size, height: size });
      await page.setContent(`<html><body style="margin:0"><img src="data:image/svg+xml;base64,${svg}" width="${size}" height="${size}" style="display:block"></body></html>`);
      await page.locator("img").evaluate((img: HTMLImageElement) => img.decode());
      return page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    };

    const favicon = [];
    for (const size of FAVICON_SIZES) favicon.push({ size, png: await render("icon.svg", size) });
    writeFileSync(path.join(root, "app", "favicon.ico"), encodeIco(favicon));
    for (const name of SHORTCUTS) writeFileSync(path.join(icons, `${name}-96.png`), await render(`${name}.svg`, 96));
    console.log(`app/favicon.ico (${FAVICON_SIZES.join(", ")} px); ${SHORTCUTS.map((n) => `public/icons/${n}-96.png`).join(", ")}`);
  } finally {
    await browser.close();
  }
}

await main();
