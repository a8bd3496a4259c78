/** What the session, configuration and evidence pages (and the REST API) read from the running appliance. */
import type { LoadedConfig } from "../../config/load.ts";
import type { ApiTokenRepository } from "../../store/api-tokens.ts";
import type { AuditLog } from "../../store/audit-log.ts";
import type { SessionHistory } from "../../store/session-history.ts";
import type { SettingsRepository } from "../../store/settings.ts";
import type { TrunkDirectory } from "../../store/trunk-directory.ts";
import type { SipTraceSource } from "./sip-ladder.tsx";
import type { SystemSource } from "./system.tsx";

/** Live sessions of this node (SessionManager): media stats and recording of calls in progress. */
export interface LiveSessionSource {
  mediaStats(sessionId: string): Record<string, unknown> | undefined;
  /** undefined when the session is not live on this node. */
  recording?(sessionId: string): boolean | undefined;
  /** Throws SessionSetupError (status 404/409/500) when the session or the recording mode does not allow it. */
  setRecording?(sessionId: string, on: boolean, by: string): { recording: boolean; recordingId?: string };
}

export interface ConsoleDeps {
  nodeId: string;
  audit: AuditLog;
  history: SessionHistory;
  trunks: TrunkDirectory;
  settings: SettingsRepository;
  /** The start-up config: what the file provisions is read-only in the console. */
  config: LoadedConfig;
  /** Screenshots, recordings and images live below it (media_files paths are relative to it). */
  dataDir: string;
  /** Per-user REST API tokens. */
  tokens: ApiTokenRepository;
  trace?: SipTraceSource;
  live?: LiveSessionSource;
  /** Status, backups and restore (the system page). */
  system?: SystemSource;
}
