// What the app reads from its own API's access token: the app roles in `roles`. The token is our
// API's JWT, so reading it here only decides what the UI offers; the service checks every request.
import { SUPPORT_ROLE } from "@/contracts/identity";

/** The payload of a JWT (no signature check: display decisions only), or null when it is not one. */
export function decodeJwtClaims(token: string): Record<string, unknown> | null {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const base64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
    const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === "object" && !Array.isArray(claims) ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The app roles a token carries (Entra puts them in `roles` as an array). */
export function tokenRoles(claims: Record<string, unknown> | null): string[] {
  const roles = claims?.roles;
  return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === "string") : [];
}

/** Support staff: the access token carries Notifications.Support.Read. */
export function isSupportToken(token: string): boolean {
  return tokenRoles(decodeJwtClaims(token)).includes(SUPPORT_ROLE);
}
