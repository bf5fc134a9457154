/**
 * Argument checks shared by the package, so every bad input fails the same clear way.
 *
 * @internal
 * @module
 */
import { ValueError } from '@profundo/core';

/** Renders a value for an error message: short, and unambiguous about its type. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined || typeof value !== 'object') {
    return typeof value === 'function' ? 'a function' : String(value);
  }
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  const name: unknown = (value as object).constructor?.name;
  if (typeof name !== 'string' || name === '' || name === 'Object') return 'an object';
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
}

/** Throws unless `options` is a plain object (or undefined) whose keys are all in `known`. */
export function checkOptions(op: string, options: unknown, known: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValueError(op, `options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ValueError(op, `unknown option ${JSON.stringify(key)}; expected one of ${known.join(', ')}`);
    }
  }
}

/** Throws unless `value` is an integer in [min, max]. */
export function checkInteger(op: string, name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const what =
      max !== Number.MAX_SAFE_INTEGER ? `an integer in [${min}, ${max}]`
      : min === 1 ? 'a positive integer'
      : min === 0 ? 'a non-negative integer'
      : `an integer >= ${min}`;
    throw new ValueError(op, `${name} must be ${what}, got ${describe(value)}`);
  }
}

/** Throws unless `value` is a boolean. */
export function checkBoolean(op: string, name: string, value: unknown): void {
  if (typeof value !== 'boolean') {
    throw new ValueError(op, `${name} must be a boolean, got ${describe(value)}`);
  }
}
