/** Reads a password without echo on a terminal, or one line from a pipe (for scripts and the installer). */
export async function readPassword(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    for await (const line of console) return line.replace(/\r$/, "");
    throw new Error("no password on standard input");
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  let value = "";
  try {
    for await (const chunk of stdin) {
      for (const ch of String(chunk)) {
        if (ch === "\r" || ch === "\n") { process.stderr.write("\n"); return value; }
        if (ch === "\u0003") throw new Error("cancelled");
        if (ch === "\u007f") value = value.slice(0, -1);
        else value += ch;
      }
    }
    return value;
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
}
