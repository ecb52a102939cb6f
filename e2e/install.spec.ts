// Installing Inbox: what the manifest names is served (shortcuts, screenshots, icons), the favicon,
// theme-color as the manifest says, the Install button where the browser hands over its prompt (a
// synthetic `beforeinstallprompt`, as no headless browser offers a real one) in the inbox's tip and
// in Settings, the Home Screen steps on an iPhone and nowhere else, the Unread shortcut's view, and
// the app badge following the unread count. Bruno's inbox, read only: the manifest's screenshots are
// his seeded inbox (UPDATE_SCREENSHOT=1 writes them to public/screenshots/; on a fresh data folder,
// as `npx playwright test` starts one). The endpoints its browsers register are removed after it:
// push-settings.spec.ts counts his devices.
import path from "node:path";
import { devices, type Browser, type BrowserContextOptions, type Page } from "@playwright/test";
import { apiAs } from "./fixtures/api";
import { expectAccessible } from "./fixtures/axe";
import { appOrigin, repoRoot } from "./fixtures/e2e-env";
import { endpointSnapshot } from "./fixtures/endpoints";
import { expect, goToSettings, inbox, signIn, test, users } from "./fixtures/test";

const bruno = users.bruno;

let brunosEndpoints: Awaited<ReturnType<typeof endpointSnapshot>>;
test.beforeAll(async () => {
  brunosEndpoints = await endpointSnapshot(bruno.upn);
});
test.afterAll(async () => {
  await brunosEndpoints.removeAdded();
});

interface ImageResource {
  src: string;
  sizes: string;
  type: string;
  form_factor?: string;
}
interface Manifest {
  theme_color: string;
  background_color: string;
  icons: ImageResource[];
  shortcuts: { short_name: string; url: string; icons: ImageResource[] }[];
  screenshots: ImageResource[];
}

async function manifest(): Promise<Manifest> {
  const res = await fetch(`${appOrigin}/manifest.webmanifest`);
  expect(res.status).toBe(200);
  return (await res.json()) as Manifest;
}

/** A signed-in page of Bruno's in a context of its own (axe needs a context); the push tip is shown unless told. */
async function brunoIn(browser: Browser, options: BrowserContextOptions = {}, { hideTip = false } = {}): Promise<Page> {
  const context = await browser.newContext({ baseURL: appOrigin, viewport: { width: 1280, height: 800 }, ...options });
  if (hideTip) await context.addInitScript(() => window.localStorage.setItem("inbox.push-hint-dismissed", "1"));
  const page = await context.newPage();
  await signIn(page, bruno);
  return page;
}

/**
 * Fires a `beforeinstallprompt` as Chromium does when the app can be installed: an event with
 * prompt() (counted in window.__prompts) and userChoice answering `outcome`.
 */
async function offerInstall(page: Page, outcome: "accepted" | "dismissed"): Promise<void> {
  await page.evaluate((outcome) => {
    const w = window as unknown as { __prompts: number };
    w.__prompts = 0;
    const event = new Event("beforeinstallprompt", { cancelable: true });
    Object.assign(event, {
      prompt: async () => {
        w.__prompts += 1;
      },
      userChoice: Promise.resolve({ outcome, platform: "web" }),
    });
    window.dispatchEvent(event);
  }, outcome);
}

const prompts = (page: Page) => page.evaluate(() => (window as unknown as { __prompts?: number }).__prompts ?? 0);

test.describe("what the manifest names", () => {
  test("shortcuts to Unread and Settings, each with a 96 px icon that is served", async () => {
    const { shortcuts } = await manifest();
    expect(shortcuts.map((s) => [s.short_name, s.url])).toEqual([
      ["Unread", "/?view=unread"],
      ["Settings", "/settings"],
    ]);
    for (const icon of shortcuts.flatMap((s) => s.icons)) {
      const res = await fetch(new URL(icon.src, appOrigin));
      expect(res.status, icon.src).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/png");
    }
  });

  test("screenshots, narrow and wide, are served", async () => {
    const { screenshots } = await manifest();
    expect(screenshots.map((s) => s.form_factor).sort()).toEqual(["narrow", "wide"]);
    for (const shot of screenshots) {
      const res = await fetch(new URL(shot.src, appOrigin));
      expect(res.status, shot.src).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/png");
      expect((await res.arrayBuffer()).byteLength, `${shot.src} is a real picture`).toBeGreaterThan(10_000);
    }
  });

  test("/favicon.ico is an icon with 16 and 32 px images, and the pages link it", async ({ page }) => {
    const res = await fetch(`${appOrigin}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^image\//);
    const ico = Buffer.from(await res.arrayBuffer());
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)], "ICONDIR: reserved 0, type 1 (icon)").toEqual([0, 1]);
    const sizes = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico[6 + 16 * i]);
    expect(sizes).toEqual(expect.arrayContaining([16, 32]));

    await page.goto("/");
    await expect(page.locator('link[rel="icon"][href^="/favicon.ico"]')).toHaveCount(1);
  });

  test("theme-color is the manifest's in light, and the page background in each scheme", async ({ page }) => {
    const { theme_color, background_color } = await manifest();
    expect(background_color).toBe(theme_color);
    await page.goto("/");
    await expect(page.locator('meta[name="theme-color"][media="(prefers-color-scheme: light)"]')).toHaveAttribute("content", theme_color);
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      const { meta, body } = await page.evaluate(() => {
        const metas = [...document.querySelectorAll<HTMLMetaElement>('meta[name="theme-color"]')];
        const meta = metas.find((m) => matchMedia(m.media).matches)?.content ?? "";
        return { meta, body: getComputedStyle(document.body).backgroundColor };
      });
      const hex = `#${(body.match(/\d+/g) ?? []).slice(0, 3).map((v) => Number(v).toString(16).padStart(2, "0")).join("")}`;
      expect(hex, `${colorScheme}: the page background`).toBe(meta);
    }
  });
});

test.describe("Install, where the browser offers its prompt", () => {
  test("the inbox's tip has no Install button until the browser offers, then one that shows its prompt", async ({ browser }) => {
    const page = await brunoIn(browser);
    const tip = page.getByRole("region", { name: "Get notifications on this device" });
    await expect(tip).toBeVisible();
    await expect(page.getByRole("button", { name: "Install app" })).toHaveCount(0);

    await offerInstall(page, "accepted");
    const install = tip.getByRole("button", { name: "Install app" });
    await expect(install).toBeVisible();
    await expectAccessible(page, "the tip with Install", ".push-hint");
    await install.click();
    await expect.poll(() => prompts(page)).toBe(1);
    // Installed: nothing left to install, the push offer stays, and so does focus.
    await expect(install).toHaveCount(0);
    await expect(tip).toBeFocused();
    await expect(tip.getByRole("button", { name: "Turn on" })).toBeVisible();
    await page.context().close();
  });

  test("where push has nothing to offer, the tip offers Install alone, and it can be hidden", async ({ browser }) => {
    const context = await browser.newContext({ baseURL: appOrigin });
    await context.addInitScript(() => Object.defineProperty(Notification, "permission", { get: () => "denied" }));
    const page = await context.newPage();
    await signIn(page, bruno);
    await expect(page.getByRole("region", { name: "Get notifications on this device" })).toHaveCount(0);
    await offerInstall(page, "dismissed");
    const tip = page.getByRole("region", { name: "Install Inbox on this device" });
    await expect(tip.getByRole("button", { name: "Install app" })).toBeVisible();
    await tip.getByRole("button", { name: "Install app" }).click();
    await expect.poll(() => prompts(page)).toBe(1);
    // Dismissed: the prompt is spent; the browser offers another later.
    await expect(tip).toHaveCount(0);
    await offerInstall(page, "dismissed");
    await tip.getByRole("button", { name: "Hide this tip" }).click();
    await expect(tip).toHaveCount(0);
    await context.close();
  });

  test("Settings offers Install, by keyboard, and says when it is installed", async ({ browser }) => {
    const page = await brunoIn(browser);
    await goToSettings(page);
    const section = page.getByRole("region", { name: "Install the app" });
    await expect(section).toContainText("Install Inbox from your browser");
    await expect(section.getByRole("button")).toHaveCount(0);

    await offerInstall(page, "accepted");
    const install = section.getByRole("button", { name: "Install app" });
    await expect(install).toBeVisible();
    await expectAccessible(page, "Settings with Install");
    await install.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => prompts(page)).toBe(1);
    await expect(section).toContainText("Inbox is installed on this device");
    // The button went; focus did not fall to the page.
    await expect(section.locator(".push-control-text")).toBeFocused();
    await expect(page.getByRole("status").filter({ hasText: "Inbox is installed." })).toBeAttached();
    await page.context().close();
  });
});

test.describe("on an iPhone", () => {
  const iPhone: BrowserContextOptions = {
    userAgent: devices["iPhone 13"].userAgent,
    viewport: devices["iPhone 13"].viewport,
    deviceScaleFactor: devices["iPhone 13"].deviceScaleFactor,
    isMobile: true,
    hasTouch: true,
  };

  test("the inbox explains Share → Add to Home Screen, which push needs there", async ({ browser }) => {
    const page = await brunoIn(browser, iPhone);
    const tip = page.getByRole("region", { name: "Add Inbox to your Home Screen" });
    await expect(tip).toContainText("Add Inbox to your Home Screen to get notifications");
    await expect(tip).toContainText("Share, then “Add to Home Screen”");
    await expect(page.getByRole("button", { name: "Turn on" })).toHaveCount(0);
    await expectAccessible(page, "the iPhone tip", ".push-hint");

    // 320 px wide (iPhone SE, zoomed): the tip wraps, nothing scrolls sideways.
    await page.setViewportSize({ width: 320, height: 640 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);

    await goToSettings(page);
    const section = page.getByRole("region", { name: "Install the app" });
    await expect(section).toContainText("Add Inbox to your Home Screen");
    const steps = section.getByRole("list").getByRole("listitem");
    await expect(steps).toHaveText([/Tap\s+Share/, /Add to Home Screen/, /Open Inbox from your Home Screen/]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await page.setViewportSize(devices["iPhone 13"].viewport);
    await expectAccessible(page, "Settings on an iPhone");
    await page.context().close();
  });

  test("the Home Screen app says it is installed and explains nothing", async ({ browser }) => {
    const context = await browser.newContext({ ...iPhone, baseURL: appOrigin });
    await context.addInitScript(() => Object.defineProperty(Navigator.prototype, "standalone", { get: () => true }));
    const page = await context.newPage();
    await signIn(page, bruno);
    await expect(page.getByRole("region", { name: "Add Inbox to your Home Screen" })).toHaveCount(0);
    await page.goto("/settings");
    await expect(page.getByRole("region", { name: "Install the app" })).toContainText("You're using the Inbox app");
    await context.close();
  });

  test("a desktop browser gets no iPhone steps", async ({ browser }) => {
    const page = await brunoIn(browser);
    await expect(page.getByRole("region", { name: "Get notifications on this device" })).toBeVisible();
    await expect(page.getByText("Add Inbox to your Home Screen")).toHaveCount(0);
    await page.goto("/settings");
    await expect(page.getByRole("region", { name: "Install the app" })).toBeVisible();
    await expect(page.getByText("Add to Home Screen")).toHaveCount(0);
    await page.context().close();
  });
});

test("the Unread shortcut opens the inbox on Unread, and the address bar drops ?view", async ({ browser }) => {
  const page = await brunoIn(browser);
  const api = await apiAs(bruno.upn);
  const unread = await api.list("readState eq 'unread'");
  expect(unread.length, "Bruno's seed has unread items").toBeGreaterThan(0);
  await page.goto("/?view=unread");
  const ui = inbox(page);
  await expect(ui.filter("Unread")).toHaveAttribute("aria-pressed", "true");
  await expect(ui.items).toHaveCount(unread.length);
  await expect(page).toHaveURL(`${appOrigin}/`);
  // A view it does not know is the whole inbox.
  await page.goto("/?view=everything");
  await expect(ui.filter("All")).toHaveAttribute("aria-pressed", "true");
  await page.context().close();
});

test("the app badge shows the unread count", async ({ browser }) => {
  const context = await browser.newContext({ baseURL: appOrigin });
  // Recorded, not shown: a badge shows only on an installed app, which no headless browser has.
  await context.addInitScript(() => {
    const calls: (number | undefined)[] = [];
    (window as unknown as { __badges: typeof calls }).__badges = calls;
    Object.defineProperty(Navigator.prototype, "setAppBadge", { value: async (n?: number) => void calls.push(n) });
    Object.defineProperty(Navigator.prototype, "clearAppBadge", { value: async () => void calls.push(0) });
  });
  const page = await context.newPage();
  await signIn(page, bruno);
  const count = await (await apiAs(bruno.upn)).unreadCount();
  expect(count).toBeGreaterThan(0);
  await expect.poll(() => page.evaluate(() => (window as unknown as { __badges: number[] }).__badges.at(-1))).toBe(count);
  await context.close();
});

test("the manifest's screenshots: Bruno's inbox on a phone and on a desktop", async ({ browser }) => {
  const shots = [
    { name: "inbox-narrow.png", options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, userAgent: devices["Pixel 7"].userAgent } },
    { name: "inbox-wide.png", options: { viewport: { width: 1280, height: 800 } } },
  ];
  for (const { name, options } of shots) {
    // One device pixel per CSS pixel: the manifest declares the pictures' sizes in pixels.
    const page = await brunoIn(browser, { ...options, deviceScaleFactor: 1, colorScheme: "light" }, { hideTip: true });
    await expect(inbox(page).items.first()).toBeVisible();
    await page.evaluate(() => document.fonts.ready);
    const file = process.env.UPDATE_SCREENSHOT ? path.join(repoRoot, "public", "screenshots", name) : test.info().outputPath(name);
    await page.screenshot({ path: file, animations: "disabled", caret: "hide" });
    // The dark one, to look at (the manifest shows the light one).
    await page.emulateMedia({ colorScheme: "dark" });
    await page.screenshot({ path: test.info().outputPath(name.replace(".png", "-dark.png")), animations: "disabled", caret: "hide" });
    await page.context().close();
  }
});
