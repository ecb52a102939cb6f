// Access tokens for API calls: acquireTokenSilent every time (MSAL caches and refreshes), and an
// interactive redirect only when MSAL says interaction is required. We never keep a token ourselves.
import { InteractionRequiredAuthError, type IPublicClientApplication } from "@azure/msal-browser";

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

export async function getAccessToken(msal: IPublicClientApplication, scopes: string[]): Promise<string> {
  const account = msal.getActiveAccount() ?? msal.getAllAccounts()[0];
  if (!account) throw new SignInRequiredError();
  try {
    const result = await msal.acquireTokenSilent({ scopes, account });
    return result.accessToken;
  } catch (error) {
    if (error instanceof InteractionRequiredAuthError) {
      await msal.acquireTokenRedirect({ scopes, account, redirectStartPage: window.location.href });
      return navigatingAway();
    }
    throw error;
  }
}

export function signIn(msal: IPublicClientApplication, scopes: string[]): Promise<void> {
  // Come back to the inbox, whichever page (landing or /signed-out) the button was on.
  return msal.loginRedirect({ scopes, redirectStartPage: window.location.origin + "/" });
}

export function signOut(msal: IPublicClientApplication): Promise<void> {
  const account = msal.getActiveAccount() ?? msal.getAllAccounts()[0] ?? null;
  // An OpenID provider honours post_logout_redirect_uri only when it knows the client: the ID token
  // hint tells it (MSAL sends none by itself), and client_id covers an ID token it no longer has.
  return msal.logoutRedirect({
    account,
    ...(account?.idToken ? { idTokenHint: account.idToken } : {}),
    extraQueryParameters: { client_id: msal.getConfiguration().auth.clientId },
  });
}
