// The push kick, HTTP side: every successful change request wakes the push
// dispatcher at once (it also polls, so a missed wake-up only delays a push).
// A database trigger replaces the kick; see `kickPush` in server/index.ts.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";

export function kickPushAfterChanges(kickPush: () => void): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if ((c.req.method === "POST" || c.req.method === "PATCH" || c.req.method === "DELETE") && c.res.status < 400) {
      try {
        kickPush();
      } catch (err) {
        console.error("[service] change listener failed:", err);
      }
    }
  };
}
