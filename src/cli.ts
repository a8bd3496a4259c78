#!/usr/bin/env bun
/** avsplit command line: `avsplit serve`, `avsplit user add`, `avsplit audit verify`, ... */
import { audit, backup, configCheck, describeError, migrateCommand, restore, serve, user } from "./cli/commands.ts";
import { USAGE, UsageError } from "./cli/usage.ts";
import { VERSION } from "./version.ts";

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  serve,
  migrate: migrateCommand,
  user,
  audit,
  config: configCheck,
  backup,
  restore,
};

export async function run(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === "--version" || command === "-v") {
    console.log(`avsplit ${VERSION}`);
    return 0;
  }
  const handler = COMMANDS[command];
  try {
    if (!handler) throw new UsageError(`unknown command "${command}"`);
    return await handler(args);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`avsplit: ${err.message}\nRun "avsplit --help" for usage.`);
      return 2;
    }
    console.error(`avsplit ${command}: ${describeError(err)}`);
    return 1;
  }
}

if (import.meta.main) process.exit(await run(process.argv.slice(2)));
