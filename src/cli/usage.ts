export const USAGE = `avsplit — video splitter appliance

Usage:
  avsplit serve [--config FILE] [--data-dir DIR] [--log-level LEVEL]   run the appliance
  avsplit migrate [--config FILE] [--data-dir DIR]                     apply database migrations and exit
  avsplit user add NAME --role ROLE [--agent ID] [--config FILE] [--data-dir DIR]
  avsplit user passwd NAME [--config FILE] [--data-dir DIR]
  avsplit user list [--config FILE] [--data-dir DIR]
  avsplit audit export [--from TIME] [--to TIME] [--session ID] [--format csv|json] [--out FILE]
  avsplit audit verify [FILE]                                           verify the database's chain, or an export file
  avsplit config check FILE                                             validate a config file and exit
  avsplit backup [--out FILE]                                           consistent copy of the database (VACUUM INTO)
  avsplit restore FILE                                                  replace the database with a backup (appliance stopped)
  avsplit --version | --help

Roles: admin, supervisor, agent, auditor. Passwords are read from standard input (one line) or typed at a prompt.
TIME is ISO 8601 (2026-11-26T08:00:00Z, 2026-11-26) or epoch milliseconds.
Environment: AVSPLIT_CONFIG (config file), AVSPLIT_DATA_DIR, AVSPLIT_LOG_LEVEL; flags win over the environment.
`;

/** A mistake in how avsplit was invoked: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {}
