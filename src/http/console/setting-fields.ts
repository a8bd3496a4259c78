/**
 * The configuration keys the console shows and edits, and how a typed form value becomes a setting value.
 * A key the config file provisions is read-only; the rest are stored in the settings table (applied at restart).
 */
import { applyConsoleSettings } from "../../config/console-settings.ts";
import { ConfigError } from "../../config/errors.ts";
import type { LoadedConfig } from "../../config/load.ts";

export const EDITABLE_SECTIONS = ["media", "webrtc", "sms", "recording"] as const;
export type EditableSection = (typeof EDITABLE_SECTIONS)[number];

const SECRET = /password|credential|secret|token/i;

export interface SettingField {
  key: string;
  section: EditableSection;
  name: string;
  value: unknown;
  provisioned: boolean;
  secret: boolean;
  /** Set in the console (stored; the appliance applies stored settings at start). */
  stored: boolean;
}

export const isSecretKey = (key: string) => SECRET.test(key);

export function settingFields(loaded: LoadedConfig, stored: Record<string, unknown>): SettingField[] {
  const effective = applyConsoleSettings(loaded, stored).config;
  return EDITABLE_SECTIONS.flatMap((section) =>
    Object.entries(effective[section] as Record<string, unknown>).map(([name, value]) => {
      const key = `${section}.${name}`;
      const provisioned = loaded.provisioned.has(key) || loaded.provisioned.has(section);
      return { key, section, name, value, provisioned, secret: isSecretKey(name), stored: !provisioned && key in stored };
    }),
  );
}

export class SettingInputError extends Error {}

/** The form text as the type the key holds now (number, boolean, string, or JSON for lists), validated with the whole config. */
export function parseSettingInput(loaded: LoadedConfig, stored: Record<string, unknown>, key: string, text: string): unknown {
  const [section, name] = key.split(".");
  if (!EDITABLE_SECTIONS.includes(section as EditableSection) || !name) throw new SettingInputError(`${key} is not editable in the console`);
  if (loaded.provisioned.has(key) || loaded.provisioned.has(section)) throw new SettingInputError(`${key} is provisioned by ${loaded.source} (read-only)`);
  const current = (loaded.config[section as EditableSection] as Record<string, unknown>)[name];
  if (current === undefined) throw new SettingInputError(`unknown setting ${key}`);
  let value: unknown;
  if (typeof current === "number") {
    value = Number(text.trim());
    if (text.trim() === "" || Number.isNaN(value)) throw new SettingInputError(`${key} must be a number`);
  } else if (typeof current === "boolean") value = text === "true" || text === "on";
  else if (typeof current === "string") value = text;
  else {
    try { value = JSON.parse(text); } catch { throw new SettingInputError(`${key} must be JSON (e.g. [{"urls": "stun:stun.example:3478"}])`); }
  }
  try {
    applyConsoleSettings(loaded, { ...stored, [key]: value });
  } catch (err) {
    if (err instanceof ConfigError) throw new SettingInputError(err.message);
    throw err;
  }
  return value;
}
