import { createHash, randomBytes } from "node:crypto";

/** A fresh secret (sessions, API tokens): 32 random bytes, base64url, with a readable prefix. */
export function generateSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

/** How secrets are stored: SHA-256 (they are random, so no slow hash is needed). */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("base64url");
}
