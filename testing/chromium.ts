// Debian's chromium, as this project's tests and benchmarks start it (Playwright's own browser download
// is never used): where it is, and the flags a sandboxed CI machine with no internet needs.
export const CHROMIUM_PATH = process.env.CHROME_PATH || "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
