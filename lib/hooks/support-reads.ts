// What every support read shares. Each read of another user's data is written to their access log,
// which they see: so nothing is read again just because the tab regained focus or the network came
// back, and a key names the reason (a new reason is a new look, logged with it).
import type { SWRConfiguration } from "swr";

export const SUPPORT_READ_OPTIONS: SWRConfiguration = {
  revalidateOnFocus: false,
  revalidateOnReconnect: false,
  // One read per open: a second component asking within this window shares the first answer.
  dedupingInterval: 10_000,
};
