// "Sign in" on a page that has not loaded MSAL (the landing): MSAL, the runtime configuration and the
// redirect, only once the button is pressed.
export async function startSignIn(): Promise<void> {
  const [{ getAuthRuntime }, { signIn }] = await Promise.all([import("./msal-instance"), import("./token")]);
  const { msal, config } = await getAuthRuntime();
  await signIn(msal, config.scopes);
}
