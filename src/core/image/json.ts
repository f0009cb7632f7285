import { StrataError } from '../errors.ts';

/**
 * Parsed JSON is `unknown` until these helpers have looked at it: archives may be hand-edited or
 * hostile, so every field is checked for its type and a wrong one reads as absent.
 */
export type Json = unknown;
export type JsonObject = Record<string, unknown>;

const utf8 = new TextDecoder('utf-8');

export function parseJson(bytes: Uint8Array, path: string): Json {
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    throw new StrataError('bad-json', `${path} is not valid JSON (${text}).`, path);
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function objectAt(value: unknown, key: string): JsonObject | undefined {
  if (!isObject(value)) return undefined;
  const v = value[key];
  return isObject(v) ? v : undefined;
}

export function stringAt(value: unknown, key: string): string | undefined {
  if (!isObject(value)) return undefined;
  const v = value[key];
  return typeof v === 'string' ? v : undefined;
}

export function numberAt(value: unknown, key: string): number | undefined {
  if (!isObject(value)) return undefined;
  const v = value[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function arrayAt(value: unknown, key: string): unknown[] | undefined {
  if (!isObject(value)) return undefined;
  const v = value[key];
  return Array.isArray(v) ? v : undefined;
}

/** An array of strings; non-string items are dropped. `null` stays `null`. */
export function stringsAt(value: unknown, key: string): string[] | null | undefined {
  if (!isObject(value)) return undefined;
  const v = value[key];
  if (v === null) return null;
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v)) return undefined;
  return v.filter((x): x is string => typeof x === 'string');
}

export function stringRecordAt(value: unknown, key: string): Record<string, string> {
  const obj = objectAt(value, key);
  const out: Record<string, string> = {};
  if (!obj) return out;
  for (const [k, v] of Object.entries(obj)) if (typeof v === 'string') out[k] = v;
  return out;
}

export function keysAt(value: unknown, key: string): string[] {
  const obj = objectAt(value, key);
  return obj ? Object.keys(obj) : [];
}
