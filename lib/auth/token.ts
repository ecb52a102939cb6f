// Access tokens for API calls: acquireTokenSilent every time (MSAL caches and refreshes), and an
// interactive redirect only when MSAL says interaction is required. We never keep a token ourselves.
import { AuthError, InteractionRequiredAuthError, type IPublicClientApplication } from "@azure/msal-browser";
import { ApiError } from "@/lib/api/errors";

export class SignInRequiredError extends Error {
  override readonly name = "SignInRequiredError";
  constructor() {
    super("You need to sign in again.");
  }
}

/** Never settles: used while the page navigates away to the identity provider. */
function navigatingAway(): Promise<never> {
  return new Promise<never>(() => {});
}

export interface TokenOptions {
  /** Skip MSAL's cache and renew (after a 401: the service refused a token MSAL still thought good). */
  forceRefresh?: boolean;
  /**
   * false: never redirect to sign in; throw SignInRequiredError instead (background work such as the
   * live stream must not take the user away from the page).
   */
  interactive?: boolean;
}

const offline = () => typeof navigator !== "undefined" && navigator.onLine === false;

/** MSAL's ways of saying the identity provider could not be reached. */
const NO_NETWORK_CODES = new Set(["no_network_connectivity", "post_request_failed", "get_request_failed", "endpoints_resolution_error"]);

/**
 * A token that could not be renewed for want of a network is the same failure as a request that got
 * no answer (ApiError status 0): the page shows it is offline and keeps its changes queued; it never
 * starts an interactive sign-in for it.
 */
function noNetwork(error: unknown): ApiError | undefined {
  if (!(error instanceof AuthError) || !(NO_NETWORK_CODES.has(error.errorCode) || offline())) return undefined;
  return new ApiError(0, "networkError", "Could not reach the sign-in service. Check your connection.", undefined, undefined);
}

export async function getAccessToken(msal: IPublicClientApplication, scopes: string[], options: TokenOptions = {}): Promise<string> {
  const account = msal.getActiveAccount() ?? msal.getAllAccounts()[0];
  if (!account) throw new SignInRequiredError();
  try {
    const result = await msal.acquireTokenSilent({ scopes, account, forceRefresh: options.forceRefresh ?? false });
    return result.accessToken;
  } catch (error) {
    if (error instanceof InteractionRequiredAuthError) {
      // Offline (no_network_connectivity and its kin), a sign-in page cannot load either: fail instead.
      if (options.interactive === false || offline()) throw new SignInRequiredError();
      await msal.acquireTokenRedirect({ scopes, account, redirectStartPage: window.location.href });
      return navigatingAway();
    }
    throw noNetwork(error) ?? error;
  }
}

export function signIn(msal: IPublicClientApplication, scopes: string[]): Promise<void> {
  // Come back to the inbox, whichever page (landing or /signed-out) the button was on.
  return msal.loginRedirect({ scopes, redirectStartPage: window.location.origin + "/" });
}

/** The longest sign-out waits for the device clean-up (unregistering this browser) before it goes on. */
export const SIGN_OUT_CLEANUP_MS = 2000;

/**
 * Signs out. `cleanUp` (this browser stops being the user's push endpoint) runs first, while the
 * user's tokens still work, but never holds sign-out up for more than SIGN_OUT_CLEANUP_MS, nor
 * stops it by failing.
 */
export async function signOut(msal: IPublicClientApplication, cleanUp?: () => Promise<unknown>): Promise<void> {
  if (cleanUp) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.resolve()
        .then(cleanUp)
        .catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, SIGN_OUT_CLEANUP_MS))),
    ]);
    clearTimeout(timer);
  }
  const account = msal.getActiveAccount() ?? msal.getAllAccounts()[0] ?? null;
  // An OpenID provider honours post_logout_redirect_uri only when it knows the client: the ID token
  // hint tells it (MSAL sends none by itself), and client_id covers an ID token it no longer has.
  return msal.logoutRedirect({
    account,
    ...(account?.idToken ? { idTokenHint: account.idToken } : {}),
    extraQueryParameters: { client_id: msal.getConfiguration().auth.clientId },
  });
}
