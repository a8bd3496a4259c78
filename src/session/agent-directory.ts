/** The widgets connected per agent id (an agent may have several open: desktop + a reloaded tab). */
import type { AgentChannel, ServerMessage } from "./agent-protocol.ts";

export class AgentDirectory {
  private readonly channels = new Map<string, Set<AgentChannel>>();

  add(agentId: string, channel: AgentChannel): void {
    let set = this.channels.get(agentId);
    if (!set) this.channels.set(agentId, (set = new Set()));
    set.add(channel);
  }

  remove(agentId: string, channel: AgentChannel): void {
    const set = this.channels.get(agentId);
    if (!set) return;
    set.delete(channel);
    if (set.size === 0) this.channels.delete(agentId);
  }

  isOnline(agentId: string): boolean {
    return this.channels.has(agentId);
  }

  send(agentId: string, msg: ServerMessage): void {
    for (const ch of this.channels.get(agentId) ?? []) ch.send(msg);
  }

  onlineAgents(): string[] {
    return [...this.channels.keys()];
  }
}
