// The demo directory: the local identity provider signs these people in, and
// the service seeds their inboxes on an empty store. Ids are fixed so that a
// restart, the seed and the tests all agree on who is who.
import { SUPPORT_ROLE } from "./identity";

export const TENANT_A = "6f1c2a57-0a4e-4c1b-9d53-5a7e3f0c1a01";
export const TENANT_B = "9b2d4e61-7c3f-4a8e-b1d2-0c4e5f6a7b02";

export const SPA_CLIENT_ID = "inbox-web";
export const SENDER_CLIENT_ID = "notifications-sender";

export interface DemoUser {
  /** Entra object id: the user's identity together with tenantId. */
  oid: string;
  tenantId: string;
  name: string;
  upn: string;
  roles: string[];
  /** Ordinary users get a seeded inbox; support staff do not. */
  seedInbox: boolean;
}

export const DEMO_USERS: readonly DemoUser[] = [
  {
    oid: "a1f0c3d2-1b2c-4d5e-8f90-1a2b3c4d5e01",
    tenantId: TENANT_A,
    name: "Adele Vance",
    upn: "adele@contoso.test",
    roles: [],
    seedInbox: true,
  },
  {
    oid: "a1f0c3d2-1b2c-4d5e-8f90-1a2b3c4d5e02",
    tenantId: TENANT_A,
    name: "Megan Bowen",
    upn: "megan@contoso.test",
    roles: [],
    seedInbox: true,
  },
  {
    oid: "a1f0c3d2-1b2c-4d5e-8f90-1a2b3c4d5e03",
    tenantId: TENANT_A,
    name: "Sam Support",
    upn: "support@contoso.test",
    roles: [SUPPORT_ROLE],
    seedInbox: false,
  },
  {
    oid: "b2e1d4c3-2c3d-4e5f-9a01-2b3c4d5e6f01",
    tenantId: TENANT_B,
    name: "Bruno Costa",
    upn: "bruno@fabrikam.test",
    roles: [],
    seedInbox: true,
  },
  {
    oid: "b2e1d4c3-2c3d-4e5f-9a01-2b3c4d5e6f02",
    tenantId: TENANT_B,
    name: "Rui Support",
    upn: "support@fabrikam.test",
    roles: [SUPPORT_ROLE],
    seedInbox: false,
  },
];

export function findDemoUser(oidOrUpn: string): DemoUser | undefined {
  const key = oidOrUpn.toLowerCase();
  return DEMO_USERS.find((u) => u.oid === key || u.upn.toLowerCase() === key);
}
