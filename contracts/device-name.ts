// One readable name for a browser from its User-Agent ("Chrome on Android",
// "Safari on iPhone"). The PWA names itself with it when it registers an
// endpoint; the service uses it when a registration names no device.

const BROWSERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bEdg(e|A|iOS)?\//, "Edge"],
  [/\b(OPR|OPiOS|Opera)\//, "Opera"],
  [/\bSamsungBrowser\//, "Samsung Internet"],
  [/\b(Firefox|FxiOS)\//, "Firefox"],
  [/\bCriOS\//, "Chrome"],
  [/\bChromium\//, "Chromium"],
  [/\bChrome\//, "Chrome"],
  [/\bSafari\//, "Safari"],
];

/** iPadOS reports itself as a Mac; only its touch points tell (the page passes navigator.maxTouchPoints). */
function systemName(ua: string, maxTouchPoints: number): string | undefined {
  if (/\bAndroid\b/.test(ua)) return "Android";
  if (/\biPhone\b|\biPod\b/.test(ua)) return "iPhone";
  if (/\biPad\b/.test(ua) || (/\bMacintosh\b/.test(ua) && maxTouchPoints > 1)) return "iPad";
  if (/\bCrOS\b/.test(ua)) return "ChromeOS";
  if (/\bWindows\b/.test(ua)) return "Windows";
  if (/\bMac OS X\b|\bMacintosh\b/.test(ua)) return "macOS";
  if (/\bLinux\b/.test(ua)) return "Linux";
  return undefined;
}

/** "Chrome on Android"; "Browser on Windows" or "Firefox" when only one is known; "Web browser" when neither is. */
export function deviceNameFromUserAgent(userAgent: string | undefined, maxTouchPoints = 0): string {
  const ua = (userAgent ?? "").slice(0, 1024);
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1];
  const system = systemName(ua, maxTouchPoints);
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? (system ? `Browser on ${system}` : "Web browser");
}
