import { describe, expect, it } from 'vitest';
import { ValueError } from '@profundo/core';
import { SPANISH_DATE_FORMATS, daysInMonth, spanishDates, spanishDayWords } from '../src/index.js';

// An independent reading of the phrases: its own tables, written out here.
const MONTHS: Record<string, number> = {
  enero: 1, febrero: 2, marzo: 3, abril: 4, mayo: 5, junio: 6,
  julio: 7, agosto: 8, septiembre: 9, octubre: 10, noviembre: 11, diciembre: 12,
};
const WEEKDAYS = ['domingo', 'lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado'];
const DAY_WORDS: Record<string, number> = {
  uno: 1, primero: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9,
  diez: 10, once: 11, doce: 12, trece: 13, catorce: 14, quince: 15, 'dieciséis': 16, diecisiete: 17,
  dieciocho: 18, diecinueve: 19, veinte: 20, veintiuno: 21, 'veintidós': 22, 'veintitrés': 23,
  veinticuatro: 24, veinticinco: 25, 'veintiséis': 26, veintisiete: 27, veintiocho: 28, veintinueve: 29,
  treinta: 30, 'treinta y uno': 31,
};

interface Parsed {
  year: number;
  month: number;
  day: number;
  weekday?: string;
}

function parse(source: string): Parsed {
  const slashes = /^(\d\d)\/(\d\d)\/(\d{4})$/.exec(source);
  if (slashes) return { day: Number(slashes[1]), month: Number(slashes[2]), year: Number(slashes[3]) };
  const long = /^(?:([a-záéíóú]+), )?([a-záéíóú ]+|\d{1,2}) de ([a-z]+) de (\d{4})$/.exec(source);
  if (!long) throw new Error(`unparsed: ${source}`);
  const [, weekday, dayText, monthName, year] = long;
  const day = /^\d+$/.test(dayText!) ? Number(dayText) : DAY_WORDS[dayText!];
  const month = MONTHS[monthName!];
  if (day === undefined || month === undefined) throw new Error(`unknown day or month: ${source}`);
  return { day, month, year: Number(year), weekday };
}

function isValidIso(target: string): boolean {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(target);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

describe('spanishDates', () => {
  const pairs = spanishDates({ count: 5000, seed: 7 });

  it('gives count pairs of source and a valid ISO target in 1900–2099', () => {
    expect(pairs).toHaveLength(5000);
    for (const { source, target } of pairs) {
      expect(typeof source).toBe('string');
      expect(isValidIso(target), target).toBe(true);
      const year = Number(target.slice(0, 4));
      expect(year).toBeGreaterThanOrEqual(1900);
      expect(year).toBeLessThanOrEqual(2099);
    }
    expect(spanishDates({ count: 0 })).toEqual([]);
  });

  it('each target is the date its source names, with the right weekday', () => {
    for (const { source, target } of pairs) {
      const { year, month, day, weekday } = parse(source);
      expect(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`, source).toBe(target);
      if (weekday !== undefined) {
        expect(weekday, source).toBe(WEEKDAYS[new Date(Date.UTC(year, month - 1, day)).getUTCDay()]);
      }
    }
  });

  it('uses every format, month and day word, and leap days only in leap years', () => {
    const sources = pairs.map((p) => p.source);
    expect(sources.some((s) => /^\d\d\/\d\d\/\d{4}$/.test(s))).toBe(true);
    expect(sources.some((s) => /^\d{1,2} de /.test(s))).toBe(true);
    expect(sources.some((s) => /^[a-záéíóú]+, \d{1,2} de /.test(s))).toBe(true);
    expect(sources.some((s) => /^[a-záéíóú]+, [a-záéíóú ]+ de /.test(s))).toBe(true);
    expect(sources.some((s) => /^[a-záéíóú ]+ de [a-z]+ de \d{4}$/.test(s) && !s.includes(','))).toBe(true);
    for (const name of Object.keys(MONTHS)) expect(sources.some((s) => s.includes(` ${name} `))).toBe(true);
    for (const name of WEEKDAYS) expect(sources.some((s) => s.startsWith(`${name}, `))).toBe(true);
    const many = spanishDates({ count: 40_000, seed: 3, formats: ['words'] }).map((p) => p.source);
    for (const word of Object.keys(DAY_WORDS)) expect(many.some((s) => s.startsWith(`${word} de `)), word).toBe(true);
    const leap = spanishDates({ count: 40_000, seed: 4, formats: ['slashes'] }).filter((p) => p.target.endsWith('-02-29'));
    expect(leap.length).toBeGreaterThan(0);
    for (const { target } of leap) {
      const y = Number(target.slice(0, 4));
      expect(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0), target).toBe(true);
    }
  });

  it('is deterministic in the seed', () => {
    expect(spanishDates({ count: 300, seed: 7 })).toEqual(pairs.slice(0, 300));
    expect(spanishDates({ count: 300, seed: 8 })).not.toEqual(pairs.slice(0, 300));
    expect(spanishDates({ count: 50 })).toEqual(spanishDates({ count: 50, seed: 0 }));
  });

  it('names known weekdays correctly', () => {
    const known: Record<string, string> = {
      '2000-01-01': 'sábado',
      '1987-03-23': 'lunes',
      '1969-07-20': 'domingo',
      '2024-02-29': 'jueves',
      '1900-01-01': 'lunes',
      '2099-12-31': 'jueves',
    };
    const all = spanishDates({ count: 60_000, seed: 11, formats: ['weekday-numeric'] });
    for (const { source, target } of all) {
      if (known[target] !== undefined) expect(source.split(', ')[0], target).toBe(known[target]);
    }
    const one = spanishDates({ count: 2000, seed: 1, minYear: 2000, maxYear: 2000, formats: ['weekday-numeric'] })
      .find((p) => p.target === '2000-01-01');
    expect(one?.source).toBe('sábado, 1 de enero de 2000');
  });

  it('formats a known date every way', () => {
    const formats = new Map<string, string>();
    for (const format of SPANISH_DATE_FORMATS) {
      const hit = spanishDates({ count: 3000, seed: 2, minYear: 1987, maxYear: 1987, formats: [format] }).find((p) => p.target === '1987-03-23');
      formats.set(format, hit!.source);
    }
    expect(Object.fromEntries(formats)).toEqual({
      numeric: '23 de marzo de 1987',
      words: 'veintitrés de marzo de 1987',
      'weekday-numeric': 'lunes, 23 de marzo de 1987',
      'weekday-words': 'lunes, veintitrés de marzo de 1987',
      slashes: '23/03/1987',
    });
  });

  it('rejects bad options', () => {
    expect(() => spanishDates(undefined as never)).toThrow(ValueError);
    expect(() => spanishDates({ count: -1 })).toThrow(ValueError);
    expect(() => spanishDates({ count: 1.5 })).toThrow(ValueError);
    expect(() => spanishDates({ count: 1, formats: [] })).toThrow(/formats/);
    expect(() => spanishDates({ count: 1, formats: ['iso' as never] })).toThrow(/formats/);
    expect(() => spanishDates({ count: 1, minYear: 2000, maxYear: 1999 })).toThrow(ValueError);
    expect(() => spanishDates({ count: 1, sed: 1 } as never)).toThrow(/unknown option "sed"/);
  });
});

describe('spanishDayWords and daysInMonth', () => {
  it('spells 1–31 with accents', () => {
    expect(Array.from({ length: 31 }, (_, i) => spanishDayWords(i + 1))).toEqual([
      'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve', 'diez',
      'once', 'doce', 'trece', 'catorce', 'quince', 'dieciséis', 'diecisiete', 'dieciocho', 'diecinueve', 'veinte',
      'veintiuno', 'veintidós', 'veintitrés', 'veinticuatro', 'veinticinco', 'veintiséis', 'veintisiete', 'veintiocho', 'veintinueve', 'treinta',
      'treinta y uno',
    ]);
    expect(() => spanishDayWords(0)).toThrow(ValueError);
    expect(() => spanishDayWords(32)).toThrow(ValueError);
  });

  it('knows month lengths and leap years', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((m) => daysInMonth(2023, m))).toEqual([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(1900, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
  });
});
