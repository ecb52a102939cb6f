// The browser's and the OS's colour around the app: the page's `theme-color` per scheme equals the
// page background (--bg in app/globals.css), so the title bar, the status bar and the header are one
// surface; the manifest's theme_color and background_color (the splash screen) are the light one.
// tests/pwa/theme-color.test.ts holds the three places to these values.
export const themeColor = { light: "#f5f6f8", dark: "#0f1215" } as const;
