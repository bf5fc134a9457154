/**
 * A synthetic translation task: Spanish date phrases to ISO 8601 dates.
 *
 * @module
 */
import { Generator, ValueError } from '@profundo/core';
import { checkInteger, checkOptions, describe } from './validate.js';

/**
 * One pair of {@link spanishDates}: a Spanish phrase and the ISO date it names.
 *
 * @example
 * ```ts
 * const pair: SpanishDatePair = { source: 'lunes, 23 de marzo de 1987', target: '1987-03-23' };
 * const [first] = spanishDates({ count: 1, seed: 1 });
 * first!.target; // '2013-09-21'
 * ```
 */
export interface SpanishDatePair {
  /** The Spanish phrase, e.g. `'lunes, 23 de marzo de 1987'`. */
  source: string;
  /** The same date as `YYYY-MM-DD`, e.g. `'1987-03-23'`. */
  target: string;
}

/**
 * How {@link spanishDates} writes a date (shown for 23 March 1987, a Monday):
 *
 * - `'numeric'`: `23 de marzo de 1987`
 * - `'words'`: `veintitrés de marzo de 1987` (the 1st as `uno` or `primero`)
 * - `'weekday-numeric'`: `lunes, 23 de marzo de 1987`
 * - `'weekday-words'`: `lunes, veintitrés de marzo de 1987`
 * - `'slashes'`: `23/03/1987`
 */
export type SpanishDateFormat = 'numeric' | 'words' | 'weekday-numeric' | 'weekday-words' | 'slashes';

/** Every {@link SpanishDateFormat}, in the order listed there. */
export const SPANISH_DATE_FORMATS: readonly SpanishDateFormat[] = Object.freeze([
  'numeric',
  'words',
  'weekday-numeric',
  'weekday-words',
  'slashes',
]);

/** Options of {@link spanishDates}. */
export interface SpanishDatesOptions {
  /** Number of pairs (a non-negative integer). */
  count: number;
  /** Seed of the draws: the same seed and options always give the same pairs (default `0`). */
  seed?: number;
  /** The formats to draw from, each equally likely (default: all of {@link SPANISH_DATE_FORMATS}). */
  formats?: readonly SpanishDateFormat[];
  /** First year, inclusive (default `1900`). */
  minYear?: number;
  /** Last year, inclusive (default `2099`). */
  maxYear?: number;
}

const OPTION_KEYS = ['count', 'seed', 'formats', 'minYear', 'maxYear'] as const;

/** Spanish month names, January first. */
export const SPANISH_MONTHS: readonly string[] = Object.freeze([
  'enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio',
  'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre',
]);

/** Spanish weekday names indexed as `Date.prototype.getUTCDay`: Sunday (`domingo`) first. */
export const SPANISH_WEEKDAYS: readonly string[] = Object.freeze([
  'domingo', 'lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado',
]);

const UNITS = ['', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve'];
const TEENS = ['diez', 'once', 'doce', 'trece', 'catorce', 'quince', 'dieciséis', 'diecisiete', 'dieciocho', 'diecinueve'];
const TWENTIES = ['veinte', 'veintiuno', 'veintidós', 'veintitrés', 'veinticuatro', 'veinticinco', 'veintiséis', 'veintisiete', 'veintiocho', 'veintinueve'];

/**
 * A day of the month, 1 to 31, in Spanish words as used in dates: `uno`, `dos`, …,
 * `dieciséis`, …, `veintiuno`, `veintidós`, `veintitrés`, …, `treinta y uno`. The 1st is also
 * commonly written `primero`, which {@link spanishDates} uses half the time.
 *
 * @example
 * ```ts
 * spanishDayWords(23); // 'veintitrés'
 * spanishDayWords(31); // 'treinta y uno'
 * ```
 */
export function spanishDayWords(day: number): string {
  checkInteger('spanishDayWords', 'day', day, 1, 31);
  if (day < 10) return UNITS[day]!;
  if (day < 20) return TEENS[day - 10]!;
  if (day < 30) return TWENTIES[day - 20]!;
  return day === 30 ? 'treinta' : 'treinta y uno';
}

/**
 * Number of days in `month` (1–12) of `year` (1–9999, proleptic Gregorian: leap years are the
 * multiples of 4 except centuries not divisible by 400). Anything else is a `ValueError` (a
 * month 13 used to roll over into the next year silently).
 *
 * @example
 * ```ts
 * daysInMonth(2024, 2); // 29
 * daysInMonth(1900, 2); // 28 (a century not divisible by 400)
 * daysInMonth(1987, 4); // 30
 * ```
 */
export function daysInMonth(year: number, month: number): number {
  checkInteger('daysInMonth', 'year', year, 1, 9999);
  checkInteger('daysInMonth', 'month', month, 1, 12);
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * A seeded synthetic translation set: `count` Spanish phrases naming real calendar dates,
 * each paired with the date in ISO 8601 form (`YYYY-MM-DD`). Dates are drawn uniformly over
 * the days from 1 January `minYear` to 31 December `maxYear` (1900–2099 by default, so leap
 * days appear only in leap years); weekdays are computed in UTC; each pair's format is drawn
 * from `formats` (see {@link SpanishDateFormat}). Everything is lower case; the phrases use
 * accented letters (`miércoles`, `sábado`, `veintitrés`, `dieciséis`).
 *
 * Pairs are independent draws, so a large set can repeat a phrase; draw a held-out set from
 * another seed and drop its phrases that also occur in the training set to keep them apart.
 *
 * @example
 * ```ts
 * const pairs = spanishDates({ count: 3, seed: 1 });
 * pairs[0]; // { source: 'sábado, veintiuno de septiembre de 2013', target: '2013-09-21' }
 * const tok = CharTokenizer.fromCorpus(pairs.flatMap((p) => [p.source, p.target]));
 * ```
 */
export function spanishDates(options: SpanishDatesOptions): SpanishDatePair[] {
  const op = 'spanishDates';
  if (options === undefined) throw new ValueError(op, 'options with a count are required');
  checkOptions(op, options, OPTION_KEYS);
  const { count, seed = 0, formats = SPANISH_DATE_FORMATS, minYear = 1900, maxYear = 2099 } = options;
  checkInteger(op, 'count', count, 0, Number.MAX_SAFE_INTEGER);
  checkInteger(op, 'seed', seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  checkInteger(op, 'minYear', minYear, 1, 9999);
  checkInteger(op, 'maxYear', maxYear, minYear, 9999);
  if (!Array.isArray(formats) || formats.length === 0 || !formats.every((f) => SPANISH_DATE_FORMATS.includes(f))) {
    throw new ValueError(op, `formats must be a non-empty array of ${SPANISH_DATE_FORMATS.join(', ')}; got ${describe(formats)}`);
  }
  const rng = new Generator(seed);
  const dayMs = 86_400_000;
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const utc = (y: number, m: number, d: number): number => new Date(Date.UTC(2000, m, d)).setUTCFullYear(y);
  const first = utc(minYear, 0, 1) / dayMs;
  const days = utc(maxYear, 11, 31) / dayMs - first + 1;
  const pairs: SpanishDatePair[] = [];
  for (let i = 0; i < count; i++) {
    const date = new Date((first + rng.randint(days)) * dayMs);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth() + 1;
    const day = date.getUTCDate();
    const format: SpanishDateFormat = formats[rng.randint(formats.length)]!;
    const yyyy = String(year).padStart(4, '0');
    const monthName = SPANISH_MONTHS[month - 1]!;
    const weekday = SPANISH_WEEKDAYS[date.getUTCDay()]!;
    const words = day === 1 && rng.randint(2) === 1 ? 'primero' : spanishDayWords(day);
    const sources: Record<SpanishDateFormat, () => string> = {
      numeric: () => `${day} de ${monthName} de ${yyyy}`,
      words: () => `${words} de ${monthName} de ${yyyy}`,
      'weekday-numeric': () => `${weekday}, ${day} de ${monthName} de ${yyyy}`,
      'weekday-words': () => `${weekday}, ${words} de ${monthName} de ${yyyy}`,
      slashes: () => `${pad2(day)}/${pad2(month)}/${yyyy}`,
    };
    pairs.push({ source: sources[format](), target: `${yyyy}-${pad2(month)}-${pad2(day)}` });
  }
  return pairs;
}
