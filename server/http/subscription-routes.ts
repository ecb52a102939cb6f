// Endpoints (push subscriptions) of the signed-in user, and the service's VAPID key.
import type { Hono } from "hono";
import type { AppDeps, AppEnv } from "./app";

export function registerSubscriptionRoutes(api: Hono<AppEnv>, deps: AppDeps): void {
  // Public: a browser needs it before it can subscribe. Cached briefly, since
  // configured keys may be rotated.
  api.get("/notifications/vapidPublicKey", () =>
    new Response(JSON.stringify({ key: deps.vapidPublicKey }), {
      status: 200,
      headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=300" },
    }),
  );
}
