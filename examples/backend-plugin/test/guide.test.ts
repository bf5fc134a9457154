// The guide "Writing a backend plugin" quotes this package's code. Every code block marked
// `<!-- from PATH -->` there must appear verbatim in PATH, so the guide cannot drift from the code.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const guidePath = 'apps/docs/guides/writing-a-backend-plugin.md';
const guide = readFileSync(root + guidePath, 'utf8');
const quotes = [...guide.matchAll(/<!-- from (\S+) -->\n```\w*\n([\s\S]*?)\n```/g)].map((m) => ({ path: m[1]!, code: m[2]! }));

describe(`${guidePath} quotes examples/backend-plugin verbatim`, () => {
  it('has quotes to check', () => {
    expect(quotes.length).toBeGreaterThan(20);
    // Every marker is followed by a code block (a typo in a marker would silently skip a quote).
    expect(quotes.length).toBe(guide.split('<!-- from ').length - 1);
  });
  for (const [i, q] of quotes.entries()) {
    it(`quote ${i + 1} (${q.path}: ${q.code.trim().split('\n')[0]!.slice(0, 60)})`, () => {
      const source = readFileSync(root + q.path, 'utf8');
      expect(source.includes(q.code), `the guide's quote ${i + 1} is not in ${q.path} any more:\n${q.code}`).toBe(true);
    });
  }
});
