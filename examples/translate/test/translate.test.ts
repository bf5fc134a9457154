/**
 * A light check of the translation example (not the full training): a few dozen Adam steps
 * lower the loss, padding does not change the model's output, and greedy decoding gives
 * well-formed output of the right length.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Generator, listBackends, manualSeed, noGrad, registerBackend, setBackend, tensor, tidy } from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import { CharTokenizer, spanishDates } from '@profundo/datasets';
import { greedyDecode } from '@profundo/layers-transformer';
import { Adam } from '@profundo/optimizers';
import { SRC_LEN, Seq2Seq, TGT_LEN, batch, encodePairs, lengthBucketedBatches, loss, reverse, translate } from '../model.js';

const STEPS = 80; // batches of 32
let model: Seq2Seq;
let tok: CharTokenizer;
const losses: number[] = [];

beforeAll(async () => {
  if (!listBackends().includes('cpu')) registerBackend('cpu', createCpuBackend);
  await setBackend('cpu');
  manualSeed(0);
  const pairs = spanishDates({ count: STEPS * 32, seed: 0 });
  tok = CharTokenizer.fromCorpus(pairs.flatMap((p) => [p.source, p.target]));
  const data = encodePairs(tok, pairs);
  model = new Seq2Seq({ vocabSize: tok.vocabSize, dModel: 32, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 64, dropout: 0 });
  const opt = new Adam(model.parameters(), { lr: 3e-3 });
  for (const indices of lengthBucketedBatches(data, 32, new Generator(0))) {
    losses.push(
      tidy(() => {
        opt.zeroGrad();
        const l = loss(model, batch(data, indices));
        l.backward();
        opt.step();
        return l.item();
      }),
    );
  }
  model.eval();
}, 120_000);

describe('translate example', () => {
  it('a few dozen steps lower the loss', () => {
    expect(losses).toHaveLength(STEPS);
    expect(losses.every(Number.isFinite)).toBe(true);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-5))).toBeLessThan(0.7 * mean(losses.slice(0, 5)));
  });

  it('padding is masked: the same source gives the same logits however far it is padded', async () => {
    const source = 'miércoles, veintitrés de septiembre de 1987';
    const n = [...source].length;
    const tgt = tensor(tok.encode('1987-09', { addBos: true }), { shape: [1, 8], dtype: 'int32' });
    const logits = await Promise.all(
      [n, n + 5, SRC_LEN].map((length) =>
        tidy(() => noGrad(() => model.forward(tensor(tok.encodeBatch([source], length), { shape: [1, length], dtype: 'int32' }), tgt))).data(),
      ),
    );
    for (const other of logits.slice(1)) {
      expect(other.length).toBe(logits[0]!.length);
      other.forEach((v, i) => expect(v).toBeCloseTo(logits[0]![i]!, 4));
    }
  });

  // After this little training the digits are not yet right, but the shape of the output is.
  it('greedy decoding gives bos, digits and dashes (ten, mostly), eos', async () => {
    const held = spanishDates({ count: 20, seed: 99 }).map((p) => p.source);
    const src = tensor(tok.encodeBatch(held.map(reverse), SRC_LEN), { shape: [held.length, SRC_LEN], dtype: 'int32' });
    const ids = await greedyDecode(model, src, { bos: tok.bos, eos: tok.eos, maxLength: TGT_LEN });
    expect(ids.shape).toEqual([held.length, TGT_LEN]);
    const rows = ids.tolist() as number[][];
    for (const row of rows) {
      expect(row[0]).toBe(tok.bos);
      expect(row[TGT_LEN - 1]).toBe(tok.eos);
      // Once eos is out, eos is all that follows.
      const end = row.indexOf(tok.eos);
      expect(row.slice(end).every((id) => id === tok.eos)).toBe(true);
      expect(row.slice(1, end).every((id) => id >= 4)).toBe(true);
    }
    const texts = await translate(model, tok, held);
    expect(texts).toHaveLength(held.length);
    for (const text of texts) expect(text).toMatch(/^[\d-]{0,10}$/);
    // Some of a barely trained model's outputs may still stop early; most must be complete.
    expect(texts.filter((text) => /^[\d-]{10}$/.test(text)).length).toBeGreaterThanOrEqual(16);
  });
});
