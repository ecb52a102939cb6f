// What this browser can do about installing Inbox, decided from plain values (unit-tested): use the
// browser's own install prompt where it offered one, explain Share → Add to Home Screen on iPhone and
// iPad (the only way there, and iOS gives web push only to Home Screen apps), or point at the
// browser's menu elsewhere.
import { isAppleMobile } from "@/lib/push/push-support";

export type InstallOffer =
  /** Running as the installed app, or installed from this tab a moment ago. */
  | "installed"
  /** The browser handed us its prompt (`beforeinstallprompt`): an Install button can show it. */
  | "prompt"
  /** iPhone or iPad in a browser tab: Share, then Add to Home Screen. */
  | "ios"
  /** Anything else (Firefox, Safari on a Mac, Chrome before it offers): the browser's menu, if any. */
  | "browser-menu";

export interface InstallEnvironment {
  userAgent: string;
  maxTouchPoints: number;
  /** Launched as an app: display-mode standalone, or iOS's navigator.standalone. */
  standalone: boolean;
}

export function installOffer(env: InstallEnvironment, state: { hasPrompt: boolean; installedHere: boolean }): InstallOffer {
  if (env.standalone || state.installedHere) return "installed";
  if (state.hasPrompt) return "prompt";
  if (isAppleMobile(env.userAgent, env.maxTouchPoints)) return "ios";
  return "browser-menu";
}
