// The names the identity provider, the service and the PWA agree on
// (contract: "Identity and authorization"). Entra's app registration
// declares the same scope and roles.

/** The API's audience (`aud` of every access token the service accepts). */
export const API_AUDIENCE = "api://notifications";
/** The delegated scope a user's token carries (`scp`). */
export const USER_SCOPE = "Notifications.ReadWrite.CreatedByApp";
/** The app role that lets an app server send to any user of its tenant. */
export const SEND_ROLE = "Notifications.Send.All";
/** The app role of support staff: read-only access to the users of their tenant. */
export const SUPPORT_ROLE = "Notifications.Support.Read";
/** The scope string a client requests for the user scope (`api://notifications/Notifications.ReadWrite.CreatedByApp`). */
export const API_USER_SCOPE = `${API_AUDIENCE}/${USER_SCOPE}`;
