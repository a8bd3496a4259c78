/** Random identifiers: tags (§19.3, >= 32 bits), branches (§8.1.1.7 magic cookie), Call-IDs (§8.1.1.4). */
const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const POOL_SIZE = 4096;
const pool = new Uint8Array(POOL_SIZE);
let poolPos = POOL_SIZE;

function nextByte(): number {
  if (poolPos >= POOL_SIZE) {
    crypto.getRandomValues(pool);
    poolPos = 0;
  }
  return pool[poolPos++];
}

/** `length` chars of 62-symbol randomness (~5.95 bits each) from a refilled crypto pool. */
function randomString(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) {
    // 248 = 4 * 62: reject the tail to keep the distribution uniform
    let b = nextByte();
    while (b >= 248) b = nextByte();
    out += ALPHABET[b % 62];
  }
  return out;
}

/** 10 chars, ~59 bits. */
export function generateTag(): string {
  return randomString(10);
}

/** "z9hG4bK" + 16 chars (~95 bits). */
export function generateBranch(): string {
  return "z9hG4bK" + randomString(16);
}

/** 20 random chars (~119 bits) "@" host. */
export function generateCallId(host: string): string {
  return randomString(20) + "@" + host;
}
