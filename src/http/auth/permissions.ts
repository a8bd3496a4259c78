/** Which role may do what. Every console and API route names the permission it needs. */
import type { Role } from "../../store/users.ts";

export const PERMISSIONS = {
  "dashboard:view": ["admin", "supervisor", "auditor"],
  "sessions:view": ["admin", "supervisor", "auditor"],
  "sessions:control": ["admin", "supervisor"],
  "config:view": ["admin", "supervisor"],
  "config:edit": ["admin"],
  "users:manage": ["admin"],
  "audit:view": ["admin", "auditor", "supervisor"],
  "audit:export": ["admin", "auditor"],
  "system:manage": ["admin"],
  "widget:use": ["agent", "supervisor"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
