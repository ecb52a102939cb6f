// npm run send -- --to <upn|oid> --title "…": see scripts/lib/send-args.ts for the flags.
import { runSend } from "./lib/send-command";

process.exitCode = await runSend(process.argv.slice(2), {
  env: process.env,
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(line.endsWith("\n") ? line : `${line}\n`),
});
