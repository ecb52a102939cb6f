import { describe, expect, it, vi } from "vitest";
import { installOffer, type InstallEnvironment } from "@/lib/install/install-offer";
import { createInstallPromptStore, type BeforeInstallPromptEvent } from "@/lib/install/install-prompt";
import { viewFromSearch } from "@/lib/hooks/use-view-param";

const CHROME_ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
const SAFARI_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
const CHROME_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1";
const SAFARI_IPAD_DESKTOP = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15";

function env(over: Partial<InstallEnvironment> = {}): InstallEnvironment {
  return { userAgent: CHROME_ANDROID, maxTouchPoints: 5, standalone: false, ...over };
}
const none = { hasPrompt: false, installedHere: false };

describe("installOffer", () => {
  it("offers the browser's prompt once the browser handed it over", () => {
    expect(installOffer(env(), { hasPrompt: true, installedHere: false })).toBe("prompt");
  });

  it.each([
    ["Safari on an iPhone", SAFARI_IPHONE, 5],
    ["Chrome on an iPhone", CHROME_IPHONE, 5],
    ["iPadOS Safari, which reports a Mac", SAFARI_IPAD_DESKTOP, 5],
  ])("explains Add to Home Screen to %s in a tab", (_, userAgent, maxTouchPoints) => {
    expect(installOffer(env({ userAgent, maxTouchPoints }), none)).toBe("ios");
  });

  it("says nothing more to install in the Home Screen app or any installed app", () => {
    expect(installOffer(env({ userAgent: SAFARI_IPHONE, standalone: true }), none)).toBe("installed");
    expect(installOffer(env({ standalone: true }), none)).toBe("installed");
  });

  it("says installed once the app was installed from this page, even with a prompt left", () => {
    expect(installOffer(env(), { hasPrompt: true, installedHere: true })).toBe("installed");
  });

  it("points at the browser's menu where there is no prompt and no iOS (Safari on a Mac, Firefox)", () => {
    expect(installOffer(env(), none)).toBe("browser-menu");
    expect(installOffer(env({ userAgent: SAFARI_IPAD_DESKTOP, maxTouchPoints: 0 }), none)).toBe("browser-menu");
  });
});

/** A `beforeinstallprompt` as Chromium fires it: prompt() shows the dialog, userChoice answers. */
function promptEvent(outcome: "accepted" | "dismissed") {
  const event = new Event("beforeinstallprompt", { cancelable: true }) as BeforeInstallPromptEvent;
  const prompt = vi.fn(async () => undefined);
  Object.assign(event, { prompt, userChoice: Promise.resolve({ outcome, platform: "web" }) });
  return { event, prompt };
}

describe("the install prompt store", () => {
  it("keeps the browser's prompt (keeping its own infobar away) and tells subscribers", () => {
    const target = new EventTarget();
    const store = createInstallPromptStore(target as unknown as Window);
    const listener = vi.fn();
    store.subscribe(listener);
    const { event } = promptEvent("accepted");
    target.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    expect(store.snapshot()).toEqual({ hasPrompt: true, installedHere: false });
    expect(listener).toHaveBeenCalled();
  });

  it("shows the prompt once on install, and is installed when the user accepts", async () => {
    const target = new EventTarget();
    const store = createInstallPromptStore(target as unknown as Window);
    const { event, prompt } = promptEvent("accepted");
    target.dispatchEvent(event);
    expect(await store.install()).toBe("accepted");
    expect(prompt).toHaveBeenCalledTimes(1);
    expect(store.snapshot()).toEqual({ hasPrompt: false, installedHere: true });
    expect(await store.install(), "a prompt is good for one showing").toBe("unavailable");
  });

  it("drops a prompt the user dismissed, and takes the next one the browser offers", async () => {
    const target = new EventTarget();
    const store = createInstallPromptStore(target as unknown as Window);
    target.dispatchEvent(promptEvent("dismissed").event);
    expect(await store.install()).toBe("dismissed");
    expect(store.snapshot()).toEqual({ hasPrompt: false, installedHere: false });
    target.dispatchEvent(promptEvent("accepted").event);
    expect(store.snapshot().hasPrompt).toBe(true);
  });

  it("ignores an event without prompt(), and hears appinstalled from the browser's own menu", () => {
    const target = new EventTarget();
    const store = createInstallPromptStore(target as unknown as Window);
    target.dispatchEvent(new Event("beforeinstallprompt", { cancelable: true }));
    expect(store.snapshot().hasPrompt).toBe(false);
    target.dispatchEvent(promptEvent("accepted").event);
    target.dispatchEvent(new Event("appinstalled"));
    expect(store.snapshot()).toEqual({ hasPrompt: false, installedHere: true });
  });

  it("has nothing to offer without a window (server render)", async () => {
    const store = createInstallPromptStore(undefined);
    expect(store.snapshot()).toEqual({ hasPrompt: false, installedHere: false });
    expect(await store.install()).toBe("unavailable");
  });
});

describe("viewFromSearch (the Unread shortcut's ?view=)", () => {
  it.each([
    ["?view=unread", "unread"],
    ["?view=dismissed", "dismissed"],
    ["?view=snoozed", "snoozed"],
    ["?view=all", "all"],
    ["?open=abc&view=unread", "unread"],
    ["?view=UNREAD", "all"],
    ["?view=everything", "all"],
    ["", "all"],
  ])("%s starts the inbox on %s", (search, view) => {
    expect(viewFromSearch(search)).toBe(view);
  });
});
