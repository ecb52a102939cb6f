// Command-line parsing for `npm run send`: pure (argv + clock in, request out),
// so every flag rule is unit-tested without a network.
import { parseArgs } from "node:util";
import { parseExpires } from "./expires";

export const SEND_USAGE = `Usage: npm run send -- --to <upn|oid> --title "…" [options]

Sends one notification to a user through the notifications API, as an app
server would (client-credentials token with the Notifications.Send.All role).
Prints the new notification's id on stdout; details go to stderr. To capture
it, keep npm quiet: id=$(npm run -s send -- --to … --title …)
A 429 or 503 is sent again up to twice, after its Retry-After (at most 30 s).
Exit status: 0 sent, 1 the issuer or the API refused or could not be reached,
2 bad flags.

Required:
  --to <upn|oid>         the recipient: userPrincipalName or object id
  --title <text>         the title (at most 256 characters); may be left out
                         only when --raw is given

Options:
  --body <text>          the body text (at most 2,048 characters)
  --group <name>         groupName, the inbox's grouping key
  --priority <p>         High, Low or None (default High with a title)
  --expires <when>       90m, 12h, 3d, 2w or an ISO date (default: 7 days)
  --app-id <id>          appNotificationId: sending the same id again updates it
  --host <name>          targetHostName (default: $SEND_TARGET_HOST or localhost)
  --raw <content>        rawContent, delivered to the app but not displayed
  -h, --help             show this help

Environment:
  API_URL                service base URL (default http://localhost:$PORT/graph/beta)
  ISSUER                 token issuer (default http://localhost:$IDP_PORT)
  SEND_CLIENT_ID         client id (default notifications-sender)
  SEND_CLIENT_SECRET     client secret (else $IDP_SENDER_SECRET, else the
                         local provider's $DATA_DIR/idp/sender-secret)
`;

/** Environment variables as the CLI reads them (process.env, or a plain object in tests). */
export type Env = Readonly<Record<string, string | undefined>>;

export type Priority = "High" | "Low" | "None";

/** The POST body the service receives (Graph's notification create shape). */
export interface NotificationRequest {
  targetHostName: string;
  appNotificationId?: string;
  groupName?: string;
  priority?: Priority;
  expirationDateTime?: string;
  payload: { rawContent?: string; visualContent?: { title: string; body?: string } };
}

export interface SendArgs {
  to: string;
  request: NotificationRequest;
}

export type ParsedSendArgs =
  | { kind: "help" }
  | { kind: "send"; args: SendArgs }
  | { kind: "error"; message: string };

const PRIORITIES: Record<string, Priority> = { high: "High", low: "Low", none: "None" };

// The service enforces these too; checking here gives a clearer message before
// any token is fetched. The service stays the authority.
const LIMITS = { title: 256, body: 2048, raw: 4096, group: 128, appId: 128 } as const;

export function parseSendArgs(
  argv: readonly string[],
  env: Env = {},
  now: Date = new Date(),
): ParsedSendArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        to: { type: "string" },
        title: { type: "string" },
        body: { type: "string" },
        group: { type: "string" },
        priority: { type: "string" },
        expires: { type: "string" },
        "app-id": { type: "string" },
        host: { type: "string" },
        raw: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    return { kind: "error", message: (err as Error).message };
  }
  if (values.help) return { kind: "help" };

  const to = values.to?.trim();
  if (!to) return { kind: "error", message: "--to is required (a userPrincipalName or object id)" };
  // "." and ".." would be resolved away by URL parsing, e.g. /users/../notifications → /notifications.
  if (/[/?#\s]/.test(to) || to === "." || to === "..") return { kind: "error", message: `--to "${to}" is not a userPrincipalName or object id` };

  const { title, body, raw, group } = values;
  if (title === undefined && raw === undefined) {
    return { kind: "error", message: "--title is required (or --raw for a raw-only notification)" };
  }
  if (title !== undefined && title.trim() === "") return { kind: "error", message: "--title must not be empty" };
  if (body !== undefined && title === undefined) return { kind: "error", message: "--body needs --title" };

  const tooLong = (flag: string, text: string | undefined, max: number) =>
    text !== undefined && text.length > max ? `${flag} is ${text.length} characters; at most ${max} are allowed` : undefined;
  const lengthError =
    tooLong("--title", title, LIMITS.title) ??
    tooLong("--body", body, LIMITS.body) ??
    tooLong("--raw", raw, LIMITS.raw) ??
    tooLong("--group", group, LIMITS.group) ??
    tooLong("--app-id", values["app-id"], LIMITS.appId);
  if (lengthError) return { kind: "error", message: lengthError };

  let priority: Priority | undefined;
  if (values.priority !== undefined) {
    priority = PRIORITIES[values.priority.toLowerCase()];
    if (!priority) return { kind: "error", message: `--priority must be High, Low or None, not "${values.priority}"` };
  }

  let expirationDateTime: string | undefined;
  if (values.expires !== undefined) {
    try {
      expirationDateTime = parseExpires(values.expires, now).toISOString();
    } catch (err) {
      return { kind: "error", message: (err as Error).message };
    }
  }

  const host = (values.host ?? env.SEND_TARGET_HOST ?? "localhost").trim();
  if (!host) return { kind: "error", message: "--host must not be empty" };

  const request: NotificationRequest = {
    targetHostName: host,
    payload: {
      ...(raw !== undefined ? { rawContent: raw } : {}),
      ...(title !== undefined ? { visualContent: { title, ...(body !== undefined ? { body } : {}) } } : {}),
    },
    ...(values["app-id"] !== undefined ? { appNotificationId: values["app-id"] } : {}),
    ...(group !== undefined ? { groupName: group } : {}),
    ...(priority ? { priority } : {}),
    ...(expirationDateTime ? { expirationDateTime } : {}),
  };
  return { kind: "send", args: { to, request } };
}
