// The web app manifest against the files and routes it names, and the theme colours it shares with
// the page (lib/theme-color.ts) and the stylesheet.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { themeColor } from "@/lib/theme-color";
import { viewFromSearch } from "@/lib/hooks/use-view-param";
import { encodeIco, icoSizes, pngSize } from "../../scripts/lib/ico";

const root = fileURLToPath(new URL("../..", import.meta.url));
const publicDir = path.join(root, "public");

interface ImageResource {
  src: string;
  sizes: string;
  type: string;
  form_factor?: string;
  label?: string;
}
interface Manifest {
  start_url: string;
  theme_color: string;
  background_color: string;
  icons: ImageResource[];
  shortcuts: { name: string; short_name: string; url: string; icons: ImageResource[] }[];
  screenshots: ImageResource[];
}

const manifest = JSON.parse(readFileSync(path.join(publicDir, "manifest.webmanifest"), "utf8")) as Manifest;
const css = readFileSync(path.join(root, "app", "globals.css"), "utf8");

/** `--name` as the first :root block sets it, and as the dark-scheme block does. */
function cssVariable(name: string): { light: string | undefined; dark: string | undefined } {
  const [light, dark] = [...css.matchAll(new RegExp(`--${name}:\\s*([^;]+);`, "g"))].map((m) => m[1]!.trim());
  return { light, dark };
}

function fileOf(src: string): string {
  return path.join(publicDir, src);
}

describe("the manifest's colours", () => {
  it("are the page's: theme-color and the splash background are the light page background", () => {
    expect(manifest.theme_color).toBe(themeColor.light);
    expect(manifest.background_color).toBe(themeColor.light);
  });

  it("and the page's theme-color per scheme is the stylesheet's --bg per scheme", () => {
    expect(cssVariable("bg")).toEqual({ light: themeColor.light, dark: themeColor.dark });
  });
});

describe("the manifest's shortcuts", () => {
  it("open Unread and Settings", () => {
    expect(manifest.shortcuts.map((s) => [s.short_name, s.url])).toEqual([
      ["Unread", "/?view=unread"],
      ["Settings", "/settings"],
    ]);
  });

  it("name a view the inbox reads and a page that exists", () => {
    expect(viewFromSearch(new URL(manifest.shortcuts[0]!.url, "https://x.test").search)).toBe("unread");
    expect(existsSync(path.join(root, "app", "settings", "page.tsx"))).toBe(true);
  });

  it.each(manifest.shortcuts.flatMap((s) => s.icons.map((icon) => [s.short_name, icon] as const)))("%s has a 96 px PNG icon that exists", (_, icon) => {
    expect(icon.sizes).toBe("96x96");
    const { width, height } = pngSize(readFileSync(fileOf(icon.src)));
    expect(`${width}x${height}`).toBe(icon.sizes);
  });
});

describe("the manifest's screenshots", () => {
  it("are one narrow (phone) and one wide (desktop), each labelled", () => {
    expect(manifest.screenshots.map((s) => [s.form_factor, s.sizes])).toEqual([
      ["narrow", "390x844"],
      ["wide", "1280x800"],
    ]);
    for (const s of manifest.screenshots) expect(s.label?.length).toBeGreaterThan(10);
  });

  it.each(manifest.screenshots.map((s) => [s.src, s] as const))("%s exists at its declared size", (_, shot) => {
    const { width, height } = pngSize(readFileSync(fileOf(shot.src)));
    expect(`${width}x${height}`).toBe(shot.sizes);
  });
});

describe("the favicon", () => {
  it("is a multi-size icon: 16, 24, 32, 48 and 64 px", () => {
    expect(icoSizes(readFileSync(path.join(root, "app", "favicon.ico")))).toEqual([16, 24, 32, 48, 64]);
  });

  it("encoding refuses an image whose size is not the one it is filed under", () => {
    const png16 = readFileSync(path.join(publicDir, "icons", "shortcut-unread-96.png"));
    expect(() => encodeIco([{ size: 16, png: png16 }])).toThrow(/96×96/);
    expect(icoSizes(encodeIco([{ size: 96, png: png16 }]))).toEqual([96]);
  });
});
