/**
 * What text the system accepts, written once for both APIs, the workflow
 * inputs and the roster import: no NUL (PostgreSQL's text cannot hold it, so a
 * NUL that got in would fail in the database, after the case was acknowledged)
 * and no unpaired UTF-16 surrogate (not a character; it cannot be stored as
 * UTF-8). Pure: no I/O, no Node built-ins (workflow code imports this module).
 *
 * The rule is a JSON Schema `pattern`, so it shows in the OpenAPI documents and
 * a generator (the fuzz) makes only valid text. The pattern means the same with
 * and without the regex `u` flag: Ajv compiles patterns with it (a pair is one
 * code point there), TypeBox's checkers without (a pair is two code units, the
 * second alternative).
 */
import { Type, type StringOptions, type TString } from '@sinclair/typebox';

export const TEXT_PATTERN = '^(?:[^\\u0000\\uD800-\\uDFFF]|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF])*$';
/** Roster codes, user names, service point codes: what the roster import accepts. */
export const CODE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]*$';
/** The message a client gets for text that breaks TEXT_PATTERN. */
export const UNSAFE_TEXT_MESSAGE = 'must not contain NUL characters or unpaired UTF-16 surrogates';

/** A free-text string: any characters except NUL and unpaired surrogates. */
export const Text = (options: StringOptions = {}): TString => Type.String({ ...options, pattern: TEXT_PATTERN });

/** A roster code (village, household, cadre, department, service point, user name). */
export const Code = (options: StringOptions = {}): TString => Type.String({ minLength: 1, maxLength: 64, ...options, pattern: CODE_PATTERN });

/** Largest revision number a request may name (a PostgreSQL integer; no record gets near it). */
export const REVISION_MAX = 2_147_483_647;

/** Largest `offset` a list accepts: beyond any real list, far below PostgreSQL's bigint. */
export const OFFSET_MAX = 1_000_000;
export const Offset = (options: { default?: number; description?: string } = {}) =>
  Type.Integer({ minimum: 0, maximum: OFFSET_MAX, default: 0, description: `rows to skip (at most ${OFFSET_MAX})`, ...options });

// eslint-disable-next-line no-control-regex -- finding NUL is the point
const LONE_OR_NUL = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when a string holds a NUL or an unpaired surrogate. */
export function isUnsafeText(s: string): boolean {
  return LONE_OR_NUL.test(s);
}

/**
 * The JSON-pointer paths (under `prefix`) of every string, and every object
 * key, in `value` that holds a NUL or an unpaired surrogate. Depth-limited: a
 * body parsed from JSON is a tree, never a cycle.
 */
export function unsafeTextPaths(value: unknown, prefix = ''): string[] {
  const out: string[] = [];
  const walk = (v: unknown, at: string, depth: number) => {
    if (out.length >= 20 || depth > 64) return;
    if (typeof v === 'string') {
      if (isUnsafeText(v)) out.push(at);
    } else if (ArrayBuffer.isView(v)) {
      // raw bytes (a file upload) are not text
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${at}/${i}`, depth + 1));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const safeKey = isUnsafeText(k) ? '(key)' : k.replace(/~/g, '~0').replace(/\//g, '~1');
        if (isUnsafeText(k)) out.push(`${at}/${safeKey}`);
        walk(x, `${at}/${safeKey}`, depth + 1);
      }
    }
  };
  walk(value, prefix, 0);
  return out;
}

/**
 * `text` as a LIKE/ILIKE pattern that matches it as a substring: `%`, `_` and
 * `\` (PostgreSQL's default escape character) match themselves, so a search
 * for "%" finds titles holding a percent sign rather than every row.
 */
export function likeSubstring(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
