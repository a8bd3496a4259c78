/**
 * Worker thread of WalCheckpointer, with its own connection to the database. Each "checkpoint" message runs one
 * PASSIVE checkpoint and answers SQLite's [busy, WAL frames, checkpointed frames]; "close" closes the connection.
 */
import { Database } from "bun:sqlite";
import type { CheckpointReply, CheckpointRequest } from "./wal-checkpointer.ts";

declare const self: Worker;

let db: Database | undefined;

self.onmessage = (e: MessageEvent<CheckpointRequest>) => {
  const reply = (r: CheckpointReply) => self.postMessage(r);
  try {
    if (e.data.type === "close") {
      db?.close();
      db = undefined;
      return reply({ type: "closed" });
    }
    if (!db) {
      db = new Database(e.data.path, { readwrite: true, create: false });
      db.run("PRAGMA busy_timeout = 5000");
    }
    const [busy, walFrames, checkpointed] = db.query<unknown, []>("PRAGMA wal_checkpoint(PASSIVE)").values()[0] as number[];
    reply({ type: "checkpointed", busy: busy!, walFrames: walFrames!, checkpointed: checkpointed! });
  } catch (err) {
    reply({ type: "error", message: (err as Error).message });
  }
};
