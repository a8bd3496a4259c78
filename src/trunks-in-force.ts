/**
 * The trunks the call plane uses: the config file's, plus those added in the console. A console change is applied
 * at once: the SIP source guard's allow lists, the OPTIONS pingers, and the call-center trunk new calls go to.
 */
import type { TrunkConfig } from "./config/schema.ts";
import { createLogger } from "./observability/log.ts";
import type { OptionsPinger, SipStack } from "./sip/index.ts";

const log = createLogger("trunks");

/** Trunks added in the console (the store's TrunkDirectory), most recently saved first. */
export interface ConsoleTrunkSource {
  consoleTrunks(): TrunkConfig[];
  on(event: "changed", listener: () => void): unknown;
  off(event: "changed", listener: () => void): unknown;
}

const pingTarget = (uri: string) => uri.replace(/^(sips?:)[^@]*@/, "$1");

export class TrunksInForce {
  private console: TrunkConfig[] = [];
  private readonly down = new Set<string>();
  private readonly pingers = new Map<string, { spec: string; pinger: OptionsPinger }>();
  private readonly onChanged = () => this.apply();

  constructor(private readonly provisioned: TrunkConfig[], private readonly sip: SipStack, private readonly source?: ConsoleTrunkSource) {
    sip.ua.on("trunk-state", (name, up) => (up ? this.down.delete(name) : this.down.add(name)));
    source?.on("changed", this.onChanged);
    this.apply();
  }

  /** The config file's trunks first: where allow lists overlap, they decide which trunk a source belongs to. */
  all(): TrunkConfig[] {
    return [...this.provisioned, ...this.console];
  }

  /**
   * Where a new call goes: a console trunk before the config file's (adding one in the console redirects new calls),
   * and among those one whose OPTIONS keep-alive is not failing.
   */
  callcenter(): TrunkConfig | undefined {
    const candidates = [...this.console, ...this.provisioned].filter((t) => t.role === "callcenter");
    return candidates.find((t) => !this.down.has(t.name)) ?? candidates[0];
  }

  /** Stops following the console (the SIP stack closes the pingers). */
  close(): void {
    this.source?.off("changed", this.onChanged);
  }

  private apply(): void {
    this.console = this.source?.consoleTrunks() ?? [];
    const trunks = this.all();
    try {
      this.sip.guard?.update({ trunks: trunks.map((t) => ({ name: t.name, role: t.role, allow: t.allow })) });
    } catch (err) {
      log.error("trunk allow lists not applied; the previous ones stay", { err });
    }
    this.syncPingers(trunks);
    this.warmDns(trunks);
    for (const name of this.down) if (!trunks.some((t) => t.name === name)) this.down.delete(name);
  }

  /** Host names of the trunks we call are looked up now, so their first call does not wait on DNS. */
  private warmDns(trunks: TrunkConfig[]): void {
    for (const t of trunks) {
      if (t.role === "caller" || !t.uri) continue;
      this.sip.warmDns(t.uri).catch((err) => log.warn("trunk host not resolved: its calls fail until DNS answers", { trunk: t.name, uri: t.uri, err }));
    }
  }

  /** One OPTIONS pinger per trunk we call that asks for one; restarted when its target or interval changes. */
  private syncPingers(trunks: TrunkConfig[]): void {
    const wanted = new Map(trunks.filter((t) => t.role !== "caller" && t.options_ping_s > 0 && t.uri).map((t) => [t.name, t]));
    for (const [name, p] of this.pingers) {
      const t = wanted.get(name);
      if (!t || p.spec !== `${t.uri} ${t.options_ping_s}`) {
        p.pinger.close();
        this.pingers.delete(name);
      }
    }
    for (const [name, t] of wanted) {
      if (this.pingers.has(name)) continue;
      const pinger = this.sip.ua.pingTrunk({ name, target: pingTarget(t.uri!), intervalS: t.options_ping_s });
      this.pingers.set(name, { spec: `${t.uri} ${t.options_ping_s}`, pinger });
    }
  }
}
