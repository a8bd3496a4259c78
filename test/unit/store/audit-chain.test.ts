import { Database } from "bun:sqlite";
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { AuditLog } from "../../../src/store/audit-log.ts";
import { exportAudit, verifyExportFile, verifyExportText } from "../../../src/store/audit-export.ts";
import { migrate } from "../../../src/store/migrate.ts";
import { tempDir } from "../../support/temp-dir.ts";

/** Simulates someone editing the database file directly: the append-only triggers are what they would drop first. */
function tamper(db: Database, sql: string, args: (string | number)[] = []) {
  db.run("DROP TRIGGER events_append_only_update");
  db.run("DROP TRIGGER events_append_only_delete");
  db.run(sql, args);
}

let db: Database;
let log: AuditLog;

beforeEach(() => {
  db = new Database(":memory:");
  migrate(db);
  log = new AuditLog(db);
  for (let i = 0; i < 1000; i++) {
    log.append({ type: i % 2 ? "leg.started" : "session.state", actor: "system", sessionId: `s${i % 7}`, data: { i, caller: "13800138000" }, ts: 1_700_000_000_000 + i });
  }
});

describe("audit hash chain in the database", () => {
  test("1000 appended events verify", () => {
    const report = log.verify();
    expect(report).toMatchObject({ ok: true, rows: 1000, firstSeq: 1, lastSeq: 1000, problems: [] });
    expect(log.headOf()).toEqual({ seq: 1000, hash: report.lastHash! });
  });

  test("UPDATE and DELETE are refused by the database", () => {
    expect(() => db.run("UPDATE events SET actor = 'x' WHERE seq = 5")).toThrow("append-only");
    expect(() => db.run("DELETE FROM events WHERE seq = 5")).toThrow("append-only");
    expect(log.verify().ok).toBe(true);
  });

  test("a changed row is named", () => {
    tamper(db, "UPDATE events SET data = ? WHERE seq = 500", [JSON.stringify({ i: 499, caller: "110" })]);
    const report = log.verify();
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(["seq 500: content altered (hash does not match the row)"]);
  });

  test("a removed row is named", () => {
    tamper(db, "DELETE FROM events WHERE seq = 321");
    const report = log.verify();
    expect(report.problems).toContain("seq 321: removed (gap between seq 320 and seq 322)");
  });

  test("removed first and last rows are named", () => {
    tamper(db, "DELETE FROM events WHERE seq IN (1, 1000)");
    expect(log.verify().problems).toEqual(["seq 1: removed from the start", "seq 1000: removed from the end (head names seq 1000)"]);
  });

  test("two swapped rows are named", () => {
    db.run("DROP TRIGGER events_append_only_update");
    const a = db.query("SELECT * FROM events WHERE seq = 10").get() as Record<string, unknown>;
    const b = db.query("SELECT * FROM events WHERE seq = 11").get() as Record<string, unknown>;
    const swap = db.prepare("UPDATE events SET ts = ?, session_id = ?, type = ?, actor = ?, data = ?, prev_hash = ?, hash = ? WHERE seq = ?");
    swap.run(b.ts as number, b.session_id as string, b.type as string, b.actor as string, b.data as string, b.prev_hash as string, b.hash as string, 10);
    swap.run(a.ts as number, a.session_id as string, a.type as string, a.actor as string, a.data as string, a.prev_hash as string, a.hash as string, 11);
    const problems = log.verify().problems;
    expect(problems).toContain("seq 10: content altered (hash does not match the row)");
    expect(problems).toContain("seq 11: content altered (hash does not match the row)");
  });
});

describe("audit exports", () => {
  const exportText = (format: "json" | "csv", range = {}) => {
    let out = "";
    exportAudit(log, range, format, (s) => (out += s), { node: "avsplit-1" });
    return out;
  };

  test("JSON and CSV exports verify, with every row and the chain", () => {
    for (const format of ["json", "csv"] as const) {
      const report = verifyExportText(exportText(format));
      expect(report).toMatchObject({ format, ok: true, rows: 1000, firstSeq: 1, lastSeq: 1000 });
      expect(report.lastHash).toBe(log.headOf()!.hash);
    }
  });

  test("a time range exports the rows inside it and still verifies", () => {
    const report = verifyExportText(exportText("json", { from: 1_700_000_000_100, to: 1_700_000_000_199 }));
    expect(report).toMatchObject({ ok: true, rows: 100, firstSeq: 101, lastSeq: 200 });
  });

  test("CSV quoting survives commas, quotes and newlines in the data", () => {
    log.append({ type: "sip.message", actor: "caller", data: { from: '"Evil, Inc." <sip:x@y>\r\nX-Injected: 1' } });
    expect(verifyExportText(exportText("csv"))).toMatchObject({ ok: true, rows: 1001 });
  });

  test("editing one byte of a row in a JSON export fails naming the row", () => {
    const text = exportText("json").replace('"actor":"system","data":"{\\"caller\\":\\"13800138000\\",\\"i\\":41}"', '"actor":"system","data":"{\\"caller\\":\\"13800138001\\",\\"i\\":41}"');
    expect(verifyExportText(text).problems).toEqual(["seq 42: content altered (hash does not match the row)"]);
  });

  test("deleting a line of a CSV export fails naming the row", () => {
    const lines = exportText("csv").split("\r\n");
    lines.splice(77, 1);
    expect(verifyExportText(lines.join("\r\n")).problems).toContain("seq 77: removed (gap between seq 76 and seq 78)");
  });

  test("reordering two rows of a CSV export fails naming them", () => {
    const lines = exportText("csv").split("\r\n");
    [lines[5], lines[6]] = [lines[6], lines[5]];
    const problems = verifyExportText(lines.join("\r\n")).problems;
    expect(problems).toContain("seq 5: out of order (comes after seq 6)");
  });

  test("cutting the tail of a JSON export is detected", () => {
    const text = exportText("json");
    const cut = text.replace(/,\n\{"seq":1000,[^\n]*\n/, "\n");
    expect(verifyExportText(cut).problems).toEqual(["seq 1000: removed from the end (head names seq 1000)"]);
  });

  test("something that is not an export is a clear error", () => {
    expect(() => verifyExportText('{"hello":1}')).toThrow("not an avsplit audit export");
    expect(() => verifyExportText("{broken")).toThrow("not valid JSON");
  });

  describe("from a file, streamed", () => {
    const files = tempDir("avsplit-audit-file-");
    afterAll(() => files.cleanup());
    const exportFile = (name: string, text: string) => {
      const path = join(files.path, name);
      writeFileSync(path, text);
      return path;
    };

    test("JSON and CSV export files verify row by row", async () => {
      for (const format of ["json", "csv"] as const) {
        const report = await verifyExportFile(exportFile(`ok.${format}`, exportText(format)));
        expect(report).toMatchObject({ format, ok: true, rows: 1000, firstSeq: 1, lastSeq: 1000, lastHash: log.headOf()!.hash });
      }
    });

    test("an edited row, a deleted line and a cut tail are named", async () => {
      const lines = exportText("json").split("\n");
      lines[42] = lines[42].replace('"actor":"system"', '"actor":"sYstem"');
      lines.splice(100, 1);
      const tail = lines.findIndex((l) => l.startsWith('{"seq":1000,'));
      lines.splice(tail, 1);
      lines[tail - 1] = lines[tail - 1].replace(/,$/, "");
      expect((await verifyExportFile(exportFile("bad.json", lines.join("\n")))).problems).toEqual([
        "seq 42: content altered (hash does not match the row)",
        "seq 100: removed (gap between seq 99 and seq 101)",
        "seq 101: chain broken (prev_hash does not match the hash of seq 99)",
        "seq 1000: removed from the end (head names seq 1000)",
      ]);
    });

    test("a re-formatted JSON export still verifies; a broken one is a clear error", async () => {
      const pretty = JSON.stringify(JSON.parse(exportText("json")), null, 2);
      expect(await verifyExportFile(exportFile("pretty.json", pretty))).toMatchObject({ ok: true, rows: 1000 });
      await expect(verifyExportFile(exportFile("broken.json", exportText("json").replace('"seq":7,', '"seq":7')))).rejects.toThrow("not valid JSON");
      await expect(verifyExportFile(exportFile("other.json", '{"hello":1}'))).rejects.toThrow("not an avsplit audit export");
      await expect(verifyExportFile(exportFile("bad.csv", "seq,ts\n1,2\n"))).rejects.toThrow("CSV lacks the columns");
    });
  });
});
