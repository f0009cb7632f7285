import { parse } from 'yaml';
import { type CiConfig, RULE_NAMES } from './rules.ts';

/**
 * dive's `.dive-ci` file: YAML with the rules under `rules:`. Values may be numbers or strings
 * (`0.95`, `20MB`, `disabled`); they become strings, as dive's viper `GetString` makes them.
 * Keys that are not rules are ignored, as dive ignores them, but named in `ignored` so that a
 * typo can be reported.
 */
export function readCiConfigFile(text: string): { config: Partial<CiConfig>; ignored: string[] } {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new Error(`the CI config is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return { config: {}, ignored: [] };
  const rules =
    typeof doc === 'object' && !Array.isArray(doc)
      ? (doc as Record<string, unknown>).rules
      : undefined;
  if (rules === undefined || rules === null) return { config: {}, ignored: [] };
  if (typeof rules !== 'object' || Array.isArray(rules))
    throw new Error('the CI config\'s "rules" must be a mapping of rule names to values');
  const out: Partial<CiConfig> = {};
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(rules)) {
    if (!(RULE_NAMES as readonly string[]).includes(key)) {
      ignored.push(key);
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'number')
      throw new Error(`the CI config's ${key} must be a number, a size or "disabled"`);
    out[key as keyof CiConfig] = String(value);
  }
  return { config: out, ignored };
}
