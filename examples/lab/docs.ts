/**
 * Writes the docs' Lab section from the experiments' outputs:
 * apps/docs/guides/lab/index.md (the table of verdicts) and one page per experiment with its
 * plots (copied next to it), verdict and numbers.
 *
 *   pnpm run lab all && pnpm run lab:docs [--out examples/lab/out]
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { experiments } from './experiments/index.js';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { out: { type: 'string', default: fileURLToPath(new URL('./out', import.meta.url)) } },
});
const docs = fileURLToPath(new URL('../../apps/docs/guides/lab', import.meta.url));

interface Results {
  id: string;
  name: string;
  claim: string;
  verdict: string;
  because: string;
  data: string;
  budget: string;
  seed: number;
  tiny: boolean;
  seconds: number;
  plots: string[];
  numbers: Record<string, unknown>;
}

/** The numbers without the long per-checkpoint curves, for the page. */
function shortNumbers(n: unknown, depth = 0): unknown {
  if (Array.isArray(n)) return n.length > 12 ? `[${n.length} entries: see results.json]` : n.map((x) => shortNumbers(x, depth + 1));
  if (n && typeof n === 'object') return Object.fromEntries(Object.entries(n).filter(([k]) => k !== 'curve' && k !== 'curves' && k !== 'trainingCurve').map(([k, v]) => [k, shortNumbers(v, depth + 1)]));
  return n;
}

rmSync(docs, { recursive: true, force: true });
mkdirSync(docs, { recursive: true });
const rows: string[] = [];
const children: string[] = [];
let total = 0;
const byNumber = [...experiments].sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
for (const e of byNumber) {
  const dir = join(args.out!, `${e.id}-${e.name}`);
  const file = join(dir, 'results.json');
  if (!existsSync(file)) {
    console.error(`no results for ${e.id} ${e.name} in ${dir}: run \`pnpm run lab ${e.id}\` first`);
    process.exit(1);
  }
  const r = JSON.parse(readFileSync(file, 'utf8')) as Results;
  if (r.tiny) {
    console.error(`${dir} holds a --tiny run; the docs show full runs`);
    process.exit(1);
  }
  total += r.seconds;
  const slug = `${r.id}-${r.name}`;
  mkdirSync(join(docs, slug), { recursive: true });
  for (const p of readdirSync(dir).filter((f) => f.endsWith('.svg'))) copyFileSync(join(dir, p), join(docs, slug, p));
  copyFileSync(file, join(docs, slug, 'results.json'));
  const title = `${r.id.toUpperCase()}: ${r.claim[0]!.toUpperCase()}${r.claim.slice(1)}`;
  const short = `${r.id.toUpperCase()} ${r.name.replace(/-/g, ' ')}`; // the sidebar entry and page file name
  writeFileSync(
    join(docs, `${slug}.md`),
    [
      `---\ntitle: "${short}"\n---\n`,
      `# ${short}`,
      '',
      `**The claim.** ${title.slice(r.id.length + 2)}.`,
      '',
      `**Verdict: ${r.verdict}.** ${r.because[0]!.toUpperCase()}${r.because.slice(1)}.`,
      '',
      `- **Data:** ${r.data}`,
      `- **Budget:** ${r.budget}`,
      `- **Seed:** ${r.seed}; the run took ${r.seconds.toFixed(1)} s on the 2-core CPU this page was generated on.`,
      `- **Run it:** \`pnpm run lab ${r.id}\` writes \`examples/lab/out/${slug}/\` (the code: \`examples/lab/experiments/\`).`,
      '',
      ...r.plots.flatMap((p) => [`![${p.replace(/\.svg$/, '').replace(/-/g, ' ')}](./${slug}/${p})`, '']),
      '## Numbers',
      '',
      `From [results.json](./${slug}/results.json), without the per-checkpoint training curves:`,
      '',
      '```json',
      JSON.stringify(shortNumbers(r.numbers), null, 2),
      '```',
      '',
    ].join('\n'),
  );
  children.push(`  - ./${slug}.md`);
  rows.push(`| [${r.id.toUpperCase()}](./${slug}.md) | ${r.claim} | **${r.verdict}** | ${r.seconds.toFixed(0)} s |`);
}
writeFileSync(
  join(docs, 'index.md'),
  [
    `---\ntitle: Lab\nchildren:\n${children.join('\n')}\n---\n`,
    '# Lab',
    '',
    'The lecture, reproduced. Each claim of the course notes on how deep networks train and why their architectures work, run as a',
    'seeded experiment with Profundo: its plot, its numbers and a verdict — holds, holds partly or does not',
    'hold — on the data and at the compute budget it names. Where a claim does not hold here, the page says',
    'so: small data and small budgets on a 2-core CPU are part of the result.',
    '',
    '```sh',
    'pnpm run lab list        # the experiments',
    'pnpm run lab c10         # one of them; outputs in examples/lab/out/c10-conv-im2col/',
    'pnpm run lab all         # every one',
    '```',
    '',
    '| claim | in the notes | verdict | run time |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    `All ${rows.length} together: ${Math.round(total)} s of experiment time on the machine these pages were generated on (see examples/lab/README.md for \`pnpm run lab all\`).`,
    '',
  ].join('\n'),
);
console.log(`wrote ${rows.length} pages to ${docs}`);
