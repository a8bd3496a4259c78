/**
 * Finds the line of a config key in TOML text, so validation errors can say "avsplit.toml:12".
 * Handles the forms avsplit.toml uses: [table], [[array-of-tables]], key = value (dotted keys not used).
 */
export function locateKey(text: string, path: readonly PropertyKey[]): number | undefined {
  const lines = text.split(/\r?\n/);
  const [first, second, third] = path;
  const arrayIndex = typeof second === "number" ? second : undefined;
  const key = arrayIndex === undefined ? second : third;
  let table: string | undefined;
  let arrayCount = -1;
  let tableLine: number | undefined;
  let keyInArrayOfTables = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const header = /^\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]/.exec(line) ?? /^\[\s*([A-Za-z0-9_.-]+)\s*\]/.exec(line);
    if (header) {
      const isArray = line.startsWith("[[");
      if (header[1] === String(first) && isArray) arrayCount++;
      table = header[1];
      keyInArrayOfTables = isArray;
      const here = table === String(first) && (arrayIndex === undefined ? !isArray : isArray && arrayCount === arrayIndex);
      if (here) tableLine = i + 1;
      continue;
    }
    const kv = /^([A-Za-z0-9_-]+|"[^"]*")\s*=/.exec(line);
    if (!kv) continue;
    const name = kv[1].replace(/^"|"$/g, "");
    if (table === undefined && name === String(first)) return i + 1;
    const inTarget = table === String(first) && (arrayIndex === undefined ? !keyInArrayOfTables : arrayCount === arrayIndex);
    if (inTarget && key !== undefined && name === String(key)) return i + 1;
  }
  return tableLine;
}
