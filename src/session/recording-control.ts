/**
 * The recording policy of one session ([recording] mode): whether recording may start or stop, one file at a time,
 * a new file when the caller's media changes, and the end with the session. The session supplies what to record.
 */
import type { Clock } from "../util/clock.ts";
import type { MediaEndpoint } from "../media/relay/index.ts";
import { createLogger } from "../observability/log.ts";
import { SessionRecording, type RecordedStream, type RecordedStreams, type RecordingMode, type RecordingPolicy } from "./recording.ts";
import { SessionSetupError } from "./setup-error.ts";

const log = createLogger("session.recording");

export interface RecordingControlOptions {
  sessionId: string;
  /** Absent = never record. */
  policy: RecordingPolicy | undefined;
  clock: Clock;
  /** Recording only starts on a connected call. */
  connected(): boolean;
  /** The caller's streams as they are now. */
  streams(): RecordedStreams;
  /** The recording's video must start at a keyframe: ask the caller for one. */
  requestKeyframe(video: RecordedStream<MediaEndpoint>): void;
}

export class RecordingControl {
  private current: SessionRecording | undefined;

  constructor(private readonly opts: RecordingControlOptions) {}

  get mode(): RecordingMode { return this.opts.policy?.mode ?? "none"; }
  get active(): boolean { return this.current?.active === true; }

  /** Starts recording (mode "all": at answer; "on-demand": when asked); returns its id. Throws SessionSetupError. */
  start(by: string): string {
    const { policy, sessionId } = this.opts;
    if (!policy || policy.mode === "none") throw new SessionSetupError(409, "recording is turned off on this node");
    if (!this.opts.connected()) throw new SessionSetupError(409, "the call is not connected");
    if (this.current?.active) return this.current.id;
    const { audio, video } = this.opts.streams();
    try {
      this.current = new SessionRecording(policy.storage, sessionId, by, audio, video, this.opts.clock.now());
    } catch (err) {
      log.error("recording could not start", { session: sessionId, err });
      throw new SessionSetupError(500, `recording could not start: ${(err as Error).message}`);
    }
    if (video) this.opts.requestKeyframe(video);
    return this.current.id;
  }

  /** Stops an on-demand recording. In mode "all" every call is recorded to its end: refused. */
  stop(by: string): void {
    if (this.mode === "all") throw new SessionSetupError(409, "every call is recorded on this node (mode all)");
    this.current?.stop("stopped", by);
  }

  /** The call was answered: mode "all" records it from now on. */
  answered(): void {
    if (this.mode === "all") this.startUnlessFailing();
  }

  /** The caller's media changed (video added or removed): the recording goes on in a new file with the new streams. */
  mediaChanged(): void {
    if (!this.current?.active) return;
    this.current.stop("media changed", "system");
    this.startUnlessFailing();
  }

  end(reason: string): void {
    this.current?.stop(reason, "system");
  }

  private startUnlessFailing(): void {
    try {
      this.start("system");
    } catch {
      // logged by start(): the call goes on unrecorded
    }
  }
}
