/**
 * C12–C15, the Transformer claims, on the translation task of examples/translate (Spanish date
 * phrases → ISO dates) with a small character-level encoder–decoder Transformer (lib/translate.ts).
 * One trained model (with positional encodings) is shared by C12, C14 and C15 within a run.
 */
import { manualSeed, noGrad, tensor, zerosLike, type Tensor } from '@profundo/core';
import type { Seq2SeqModel } from '@profundo/layers-transformer';
import { r, type Experiment, type LabContext } from '../lib/lab.js';
import { DateTranslator, TGT_LEN, encodeSources, exactMatch, trainTranslator, translateAll, translationData } from '../lib/translate.js';

function sizes(ctx: LabContext) {
  return ctx.tiny ? { train: 300, test: 20, epochs: 1 } : { train: 6000, test: 300, epochs: 6 };
}

function setup(ctx: LabContext) {
  const s = sizes(ctx);
  const data = translationData({ seed: ctx.seed, train: s.train, test: s.test });
  const trained = trainTranslator(data, { seed: ctx.seed, epochs: s.epochs, positions: true });
  const budget = `Transformer d_model 32, 2 heads, 2+2 pre-norm layers, ff 64 (${trained.model.parameters().reduce((n, p) => n + p.size, 0)} parameters), Adam lr 3e-3 (100 warm-up steps, then cosine), batch 32, ${s.epochs} epochs (${trained.steps} steps, ${trained.seconds.toFixed(0)} s to train)`;
  return { data, ...trained, budget };
}

/** Attention of the model on one held-out phrase: ids, characters and every layer's weights as arrays. */
function attentionOf(model: DateTranslator, tok: ReturnType<typeof translationData>['tok'], source: string, target: string) {
  const src = encodeSources(tok, [source]);
  const tgtIds = tok.encode(target, { addBos: true });
  const tgt = tensor([tgtIds], { dtype: 'int32' });
  const { attention } = noGrad(() => model.withAttention(src, tgt));
  const srcChars = [...source];
  const tgtChars = ['<bos>', ...target];
  const arr = (t: Tensor) => (t.tolist() as number[][][][])[0]!; // [heads][L][S]
  return { srcChars, tgtChars, encoder: attention.encoder.map(arr), decoderSelf: attention.decoderSelf.map(arr), cross: attention.decoderCross.map(arr) };
}

function heatmap(values: { q: string; k: string; w: number; panel: string }[], title: string, qTitle: string, kTitle: string, columns = 2) {
  return {
    title,
    data: { values },
    facet: { field: 'panel', type: 'nominal', title: null },
    columns,
    spec: {
      width: 300,
      height: 200,
      mark: 'rect',
      encoding: {
        x: { field: 'k', type: 'ordinal', sort: null, title: kTitle, axis: { labelAngle: 0, labelFontSize: 8 } },
        y: { field: 'q', type: 'ordinal', sort: null, title: qTitle, axis: { labelFontSize: 8 } },
        color: { field: 'w', type: 'quantitative', scale: { scheme: 'blues', domain: [0, 1] }, title: 'weight' },
      },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  } as const;
}

/** The phrase the maps show: the first held-out one of 15 to 25 characters (readable and small), else the first. */
const showcase = (pairs: ReturnType<typeof translationData>['test']) => pairs.find((p) => [...p.source].length >= 15 && [...p.source].length <= 25) ?? pairs[0]!;

const label = (chars: string[]) => chars.map((c, i) => `${i}:${c === ' ' ? '␣' : c}`);

export const selfAttention: Experiment = {
  id: 'c12',
  name: 'self-attention',
  claim: 'self-attention lets any token attend to any other',
  async run(ctx) {
    const { data, model, budget } = setup(ctx);
    const pair = showcase(data.test);
    const a = attentionOf(model, data.tok, pair.source, pair.target);
    // How far encoder self-attention reaches, over held-out phrases: weight on keys more than 5 positions away.
    let far = 0, total = 0, distSum = 0, maxReach = 0;
    for (const p of data.test.slice(0, 50)) {
      const att = attentionOf(model, data.tok, p.source, p.target);
      for (const layer of att.encoder)
        for (const head of layer)
          head.forEach((row, i) =>
            row.forEach((w, j) => {
              total += w;
              distSum += w * Math.abs(i - j);
              if (Math.abs(i - j) > 5) far += w;
              if (w > 0.2) maxReach = Math.max(maxReach, Math.abs(i - j));
            }),
          );
    }
    const share = far / total;
    const meanDistance = distSum / total;
    const src = label(a.srcChars);
    const tgt = label(a.tgtChars);
    const encRows = a.encoder.flatMap((layer, l) => src.flatMap((q, i) => src.map((k, j) => ({ panel: `encoder layer ${l}, mean of heads`, q, k, w: layer.reduce((s, h) => s + h[i]![j]!, 0) / layer.length }))));
    const crossRows = a.cross.flatMap((layer, l) => tgt.flatMap((q, i) => src.map((k, j) => ({ panel: `decoder layer ${l} → source, mean of heads`, q, k, w: layer.reduce((s, h) => s + h[i]![j]!, 0) / layer.length }))));
    const verdict = share > 0.1 && maxReach > 10 ? 'holds' : share > 0.02 ? 'holds partly' : 'does not hold';
    return {
      verdict,
      because: `in the trained model's encoder, ${(share * 100).toFixed(0)}% of the attention weight of held-out phrases goes to characters more than 5 positions away (mean distance ${meanDistance.toFixed(1)}), and single weights above 0.2 (several times a uniform share over a 15-45 character phrase) reach ${maxReach} positions away: targeted long-range attention, not only diffuse attention`,
      data: data.describe,
      budget,
      numbers: { example: { source: pair.source, target: pair.target }, farShare: r(share), meanDistance: r(meanDistance), maxReachAbove02: maxReach, phrases: Math.min(50, data.test.length) },
      plots: {
        'encoder-self-attention': heatmap(encRows, `Encoder self-attention on "${pair.source}"`, 'query character', 'key character'),
        'cross-attention': heatmap(crossRows, `Decoder attention to the source while writing ${pair.target}`, 'output so far', 'source character'),
      },
    };
  },
};

export const positionalEncoding: Experiment = {
  id: 'c13',
  name: 'positional-encoding',
  claim: 'without positional encoding, attention has no notion of order',
  async run(ctx) {
    const s = sizes(ctx);
    const { data, model, budget } = setup(ctx);
    const plain = trainTranslator(data, { seed: ctx.seed, epochs: s.epochs, positions: false });
    // Permutation property of the encoder: permuting the source permutes the memory the same way.
    const source = data.test[0]!.source;
    const srcT = encodeSources(data.tok, [source]);
    const len = srcT.shape[1]!;
    const gen = Array.from({ length: len }, (_, i) => len - 1 - i); // reversal
    const permuted = tensor([gen.map((i) => (srcT.tolist() as number[][])[0]![i]!)], { dtype: 'int32' });
    const diff = (m: DateTranslator) =>
      noGrad(() => {
        const a = m.transformer.encode(m.embed(m.srcEmb, srcT));
        const b = m.transformer.encode(m.embed(m.srcEmb, permuted));
        const aPerm = (a.tolist() as number[][][])[0]!;
        const bRows = (b.tolist() as number[][][])[0]!;
        let mx = 0;
        gen.forEach((from, i) => aPerm[from]!.forEach((v, k) => (mx = Math.max(mx, Math.abs(v - bRows[i]![k]!)))));
        return mx;
      });
    const withoutDiff = diff(plain.model);
    const withDiff = diff(model);
    ctx.log(`encoder(reversed source) vs reversed encoder(source): max |Δ| ${withoutDiff.toExponential(1)} without positions, ${withDiff.toFixed(3)} with`);
    const sources = data.test.map((p) => p.source);
    const accWith = exactMatch(data.test, await translateAll(model, data.tok, sources));
    const outWithout = await translateAll(plain.model, data.tok, sources);
    const accWithout = exactMatch(data.test, outWithout);
    ctx.log(`exact match: ${(accWith * 100).toFixed(1)}% with positions, ${(accWithout * 100).toFixed(1)}% without`);
    const equivariant = withoutDiff < 1e-4 && withDiff > 1e-2;
    const ablation = accWith - accWithout > 0.1;
    const verdict = equivariant && ablation ? 'holds' : equivariant || ablation ? 'holds partly' : 'does not hold';
    return {
      verdict,
      because:
        `without positional encodings the encoder is permutation-equivariant: reversing the source only reverses its output (max |Δ| ${withoutDiff.toExponential(1)}, against ${withDiff.toFixed(2)} with sinusoidal positions); ` +
        `held-out exact match falls from ${(accWith * 100).toFixed(1)}% with positions to ${(accWithout * 100).toFixed(1)}% without (the causal decoder still knows its own output positions, so the model is not wholly orderless)`,
      data: data.describe,
      budget: `${budget}; the same again without positional encodings`,
      numbers: { permutation: { source, maxAbsDiffWithout: withoutDiff, maxAbsDiffWith: r(withDiff) }, exactMatch: { withPositions: r(accWith), withoutPositions: r(accWithout) }, examplesWithout: data.test.slice(0, 10).map((p, i) => ({ source: p.source, target: p.target, output: outWithout[i] })) },
      plots: {
        ablation: {
          title: 'Held-out exact match with and without positional encodings',
          width: 260, height: 200,
          data: { values: [{ model: 'sinusoidal positions', accuracy: accWith }, { model: 'no positions', accuracy: accWithout }] },
          mark: 'bar',
          encoding: { x: { field: 'model', type: 'nominal', title: null, axis: { labelAngle: 0 } }, y: { field: 'accuracy', type: 'quantitative', scale: { domain: [0, 1] }, title: 'exact-match accuracy' } },
        },
        permutation: {
          title: { text: 'Encoder output after reversing the source, against the reversed output', subtitle: 'largest difference over positions and features' },
          width: 260, height: 200,
          data: { values: [{ model: 'no positions', diff: Math.max(withoutDiff, 1e-9) }, { model: 'sinusoidal positions', diff: withDiff }] },
          mark: 'bar',
          encoding: { x: { field: 'model', type: 'nominal', title: null, axis: { labelAngle: 0 } }, y: { field: 'diff', type: 'quantitative', scale: { type: 'log' }, title: 'max |difference| (log)' } },
        },
      },
    };
  },
};

/** Jensen–Shannon divergence (nats) between two distributions. */
function js(p: number[], q: number[]): number {
  let s = 0;
  p.forEach((pi, i) => {
    const qi = q[i]!;
    const m = (pi + qi) / 2;
    if (pi > 0) s += 0.5 * pi * Math.log(pi / m);
    if (qi > 0) s += 0.5 * qi * Math.log(qi / m);
  });
  return s;
}

function headDivergence(model: DateTranslator, data: ReturnType<typeof translationData>, n: number) {
  let sum = 0, count = 0;
  for (const p of data.test.slice(0, n)) {
    const a = attentionOf(model, data.tok, p.source, p.target);
    for (const layer of [...a.encoder, ...a.cross])
      for (let h1 = 0; h1 < layer.length; h1++)
        for (let h2 = h1 + 1; h2 < layer.length; h2++)
          layer[h1]!.forEach((row, i) => {
            sum += js(row, layer[h2]![i]!);
            count++;
          });
  }
  return sum / count;
}

export const heads: Experiment = {
  id: 'c14',
  name: 'attention-heads',
  claim: 'multiple heads learn different patterns',
  async run(ctx) {
    const { data, model, budget } = setup(ctx);
    manualSeed(ctx.seed);
    const untrained = new DateTranslator(data.tok.vocabSize, true);
    untrained.eval();
    const n = Math.min(30, data.test.length);
    const trainedJs = headDivergence(model, data, n);
    const initJs = headDivergence(untrained, data, n);
    const pair = showcase(data.test);
    const a = attentionOf(model, data.tok, pair.source, pair.target);
    const src = label(a.srcChars);
    const tgt = label(a.tgtChars);
    const rows = [
      ...a.encoder.flatMap((layer, l) => layer.flatMap((h, hi) => src.flatMap((q, i) => src.map((k, j) => ({ panel: `encoder layer ${l}, head ${hi}`, q, k, w: h[i]![j]! }))))),
    ];
    const crossRows = a.cross.flatMap((layer, l) => layer.flatMap((h, hi) => tgt.flatMap((q, i) => src.map((k, j) => ({ panel: `decoder layer ${l} → source, head ${hi}`, q, k, w: h[i]![j]! })))));
    const verdict = trainedJs > 2 * initJs && trainedJs > 0.05 ? 'holds' : trainedJs > initJs ? 'holds partly' : 'does not hold';
    return {
      verdict,
      because: `the mean Jensen–Shannon divergence between the two heads' attention distributions (same layer, same query; encoder and cross-attention, ${n} held-out phrases) is ${trainedJs.toFixed(3)} nats after training against ${initJs.toFixed(3)} at initialization (at most ln 2 = 0.693)`,
      data: data.describe,
      budget,
      numbers: { meanPairwiseJsTrained: r(trainedJs), meanPairwiseJsInit: r(initJs), phrases: n, example: pair },
      plots: {
        'encoder-heads': heatmap(rows, `Encoder self-attention per head on "${pair.source}"`, 'query character', 'key character'),
        'cross-heads': heatmap(crossRows, `Cross-attention per head while writing ${pair.target}`, 'output so far', 'source character'),
      },
    };
  },
};

export const decoding: Experiment = {
  id: 'c15',
  name: 'decoding',
  claim: "the decoder generates from the encoder's latents plus the output so far",
  async run(ctx) {
    const { data, model, budget } = setup(ctx);
    const sources = data.test.map((p) => p.source);
    const t0 = performance.now();
    const greedy = await translateAll(model, data.tok, sources);
    const tGreedy = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const beam = await translateAll(model, data.tok, sources, { beamWidth: 4 });
    const tBeam = (performance.now() - t1) / 1000;
    const accGreedy = exactMatch(data.test, greedy);
    const accBeam = exactMatch(data.test, beam);
    // Without the encoder's latents: the decoder gets zeros for memory.
    const blind: Seq2SeqModel = { encode: (src) => zerosLike(model.encode(src)), decode: (tgt, memory) => model.decode(tgt, memory) };
    const accBlind = exactMatch(data.test, await translateAll(blind, data.tok, sources));
    ctx.log(`exact match: greedy ${(accGreedy * 100).toFixed(1)}%, beam 4 ${(accBeam * 100).toFixed(1)}%, without the encoder's latents ${(accBlind * 100).toFixed(1)}%`);
    // One decoding, step by step: the top-3 next characters and their probabilities.
    const pair = data.test[0]!;
    const src = encodeSources(data.tok, [pair.source]);
    const steps: { step: number; soFar: string; top: { char: string; p: number }[] }[] = [];
    let ids = [data.tok.bos];
    noGrad(() => {
      const memory = model.encode(src);
      for (let t = 1; t < TGT_LEN; t++) {
        const logits = model.decode(tensor([ids], { dtype: 'int32' }), memory);
        const last = (logits.softmax(-1).tolist() as number[][][])[0]![t - 1]!;
        const top = last.map((p, id) => ({ id, p })).sort((a, b) => b.p - a.p).slice(0, 3);
        steps.push({ step: t, soFar: data.tok.decode(ids), top: top.map((x) => ({ char: x.id === data.tok.eos ? '<eos>' : data.tok.decode([x.id]) || `<${x.id}>`, p: r(x.p, 3) })) });
        ids = [...ids, top[0]!.id];
        if (top[0]!.id === data.tok.eos) break;
      }
    });
    // Holds when the decoder works (at least half the dates exactly right) and needs the latents (without them, at most half as many).
    const verdict = accGreedy >= 0.5 && accBlind <= accGreedy / 2 ? 'holds' : accGreedy > accBlind ? 'holds partly' : 'does not hold';
    return {
      verdict,
      because:
        `greedy decoding, one character at a time from the encoder's output and the characters so far, gets ${(accGreedy * 100).toFixed(1)}% of held-out dates exactly right (beam search, width 4: ${(accBeam * 100).toFixed(1)}%); ` +
        `with the encoder's latents replaced by zeros it gets ${(accBlind * 100).toFixed(1)}%`,
      data: data.describe,
      budget: `${budget}; greedy decoding ${tGreedy.toFixed(1)} s and beam search ${tBeam.toFixed(1)} s for ${sources.length} phrases`,
      numbers: { exactMatch: { greedy: r(accGreedy), beam4: r(accBeam), withoutEncoderLatents: r(accBlind) }, seconds: { greedy: r(tGreedy), beam4: r(tBeam) }, stepByStep: { source: pair.source, target: pair.target, steps }, differences: data.test.map((p, i) => ({ source: p.source, target: p.target, greedy: greedy[i], beam: beam[i] })).filter((x) => x.greedy !== x.beam).slice(0, 10) },
      plots: {
        accuracy: {
          title: { text: 'Held-out exact match by decoder', subtitle: '"no latents": greedy, with the encoder output replaced by zeros' },
          width: 300, height: 200,
          data: { values: [{ decoder: 'greedy', accuracy: accGreedy }, { decoder: 'beam, width 4', accuracy: accBeam }, { decoder: 'no latents', accuracy: accBlind }] },
          mark: 'bar',
          encoding: { x: { field: 'decoder', type: 'nominal', sort: null, title: null, axis: { labelAngle: 0 } }, y: { field: 'accuracy', type: 'quantitative', scale: { domain: [0, 1] }, title: 'exact-match accuracy' } },
        },
        'step-by-step': {
          title: { text: `Greedy decoding of "${pair.source}", step by step`, subtitle: 'the three most likely next characters at each step; the first is taken' },
          width: 420, height: 240,
          data: { values: steps.flatMap((s) => s.top.map((t, rank) => ({ step: `${s.step}: after "${s.soFar}"`, rank: `choice ${rank + 1}`, label: `${t.char} ${t.p.toFixed(2)}`, p: t.p }))) },
          layer: [
            { mark: 'rect', encoding: { x: { field: 'rank', type: 'ordinal', title: null }, y: { field: 'step', type: 'ordinal', sort: null, title: null }, color: { field: 'p', type: 'quantitative', scale: { scheme: 'greens', domain: [0, 1] }, title: 'probability' } } },
            { mark: { type: 'text', fontSize: 10 }, encoding: { x: { field: 'rank', type: 'ordinal' }, y: { field: 'step', type: 'ordinal', sort: null }, text: { field: 'label' } } },
          ],
        },
      },
    };
  },
};
