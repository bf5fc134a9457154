/**
 * Bad input to the datasets package: DataLoader's dataset and options, TensorDataset's arrays
 * and indices, the IDX parser and loadMnistIdx on malformed bytes, loadMnist's options, the
 * character tokenizer and the Spanish dates set. A failed call changes nothing: not the inputs,
 * not a generator's stream, not `memory()`.
 */
import '../backend.js';
import { gzipSync } from 'node:zlib';
import { ValueError, Generator } from '@profundo/core';
import {
  CharTokenizer,
  DataLoader,
  TensorDataset,
  daysInMonth,
  loadMnist,
  loadMnistIdx,
  parseIdx,
  spanishDates,
  spanishDayWords,
  type MnistIdxFiles,
} from '../../src/index.js';
import { idx } from '../idx-file.js';
import { runCases, type BadInputCase } from './runner.js';

const none = (): [] => [];
/** Six samples of two features, labels 0..5. */
const data = () => new TensorDataset(Float32Array.from({ length: 12 }, (_, i) => i / 12), Int32Array.from([0, 1, 2, 3, 4, 5]), [2]);
const loader = (options: object) => () => ({ ds: data(), g: new Generator(5), options });
const make = ({ ds, g, options }: { ds: TensorDataset; g: Generator; options: object }) => new DataLoader(ds, { generator: g, ...options } as never);

const loaders: BadInputCase[] = [
  { name: 'DataLoader: a null dataset', make: none, call: () => new DataLoader(null as never, { batchSize: 2 }), error: ValueError, op: 'DataLoader', mentions: ['null'] },
  { name: 'DataLoader: a dataset without get', make: () => ({ ds: { length: 3 } }), call: ({ ds }) => new DataLoader(ds as never, { batchSize: 2 }), error: ValueError, op: 'DataLoader', mentions: ['get(index)', 'an object'] },
  { name: 'DataLoader: a dataset of length -1', make: () => ({ ds: { length: -1, get: () => 0 } }), call: ({ ds }) => new DataLoader(ds as never, { batchSize: 2 }), error: ValueError, op: 'DataLoader', mentions: ['-1'] },
  { name: 'DataLoader: a dataset of length 2.5', make: () => ({ ds: { length: 2.5, get: () => 0 } }), call: ({ ds }) => new DataLoader(ds as never, { batchSize: 2 }), error: ValueError, op: 'DataLoader', mentions: ['2.5'] },
  { name: 'DataLoader: a getBatch that is not a function', make: () => ({ ds: { length: 3, get: () => 0, getBatch: 1 } }), call: ({ ds }) => new DataLoader(ds as never, { batchSize: 2 }), error: ValueError, op: 'DataLoader', mentions: ['getBatch', '1'] },
  { name: 'DataLoader: no options', make: () => ({ ds: data() }), call: ({ ds }) => new DataLoader(ds, undefined as never), error: ValueError, op: 'DataLoader', mentions: ['batchSize'] },
  { name: 'DataLoader: batchSize 0', make: loader({ batchSize: 0 }), call: make, error: ValueError, op: 'DataLoader', mentions: ['batchSize', 'got 0'] },
  { name: 'DataLoader: batchSize 2.5', make: loader({ batchSize: 2.5 }), call: make, error: ValueError, op: 'DataLoader', mentions: ['2.5'] },
  { name: 'DataLoader: batchSize as a string', make: loader({ batchSize: '4' }), call: make, error: ValueError, op: 'DataLoader', mentions: ['"4"'] },
  { name: 'DataLoader: batchSize NaN', make: loader({ batchSize: NaN }), call: make, error: ValueError, op: 'DataLoader', mentions: ['NaN'] },
  { name: 'DataLoader: shuffle as a string', make: loader({ batchSize: 2, shuffle: 'yes' }), call: make, error: ValueError, op: 'DataLoader', mentions: ['shuffle', '"yes"'] },
  { name: 'DataLoader: dropLast 1', make: loader({ batchSize: 2, dropLast: 1 }), call: make, error: ValueError, op: 'DataLoader', mentions: ['dropLast', '1'] },
  { name: 'DataLoader: a generator that is not one', make: () => ({ ds: data() }), call: ({ ds }) => new DataLoader(ds, { batchSize: 2, generator: {} as never }), error: ValueError, op: 'DataLoader', mentions: ['generator', 'an object'] },
  { name: 'DataLoader: a collate that is not a function', make: loader({ batchSize: 2, collate: 5 }), call: make, error: ValueError, op: 'DataLoader', mentions: ['collate', '5'] },
  { name: "DataLoader: an unknown option 'batch_size'", make: loader({ batch_size: 2 }), call: make, error: ValueError, op: 'DataLoader', mentions: ['"batch_size"'] },
  { name: 'DataLoader: iterating a dataset whose length turned NaN (shuffle not drawn)', make: () => { const ds = { length: 4, get: (i: number) => i }; const g = new Generator(1); const dl = new DataLoader(ds, { batchSize: 2, shuffle: true, generator: g }); ds.length = NaN; return { ds, g, dl }; }, call: ({ dl }) => [...dl], error: ValueError, op: 'DataLoader', mentions: ['NaN'] },
  { name: 'DataLoader.length: a dataset whose length turned negative', make: () => { const ds = { length: 4, get: (i: number) => i }; const dl = new DataLoader(ds, { batchSize: 2 }); ds.length = -2; return { ds, dl }; }, call: ({ dl }) => dl.length, error: ValueError, op: 'DataLoader', mentions: ['-2'] },
];

const f = (n: number) => new Float32Array(n);
const tensorDatasets: BadInputCase[] = [
  { name: 'TensorDataset: Float64Array features', make: none, call: () => new TensorDataset(new Float64Array(4) as never, Int32Array.of(0, 1), [2]), error: ValueError, op: 'TensorDataset', mentions: ['Float64Array'] },
  { name: 'TensorDataset: Float32Array labels', make: none, call: () => new TensorDataset(f(4), new Float32Array(2) as never, [2]), error: ValueError, op: 'TensorDataset', mentions: ['Float32Array'] },
  { name: 'TensorDataset: an array of labels', make: none, call: () => new TensorDataset(f(4), [0, 1] as never, [2]), error: ValueError, op: 'TensorDataset', mentions: ['array of length 2'] },
  { name: 'TensorDataset: a sampleShape with 0', make: none, call: () => new TensorDataset(f(0), Int32Array.of(0, 1), [0]), error: ValueError, op: 'TensorDataset', mentions: ['[0]'] },
  { name: 'TensorDataset: a fractional sampleShape', make: none, call: () => new TensorDataset(f(5), Int32Array.of(0, 1), [2.5]), error: ValueError, op: 'TensorDataset', mentions: ['[2.5]'] },
  { name: 'TensorDataset: a sampleShape that is a number', make: none, call: () => new TensorDataset(f(4), Int32Array.of(0, 1), 2 as never), error: ValueError, op: 'TensorDataset', mentions: ['2'] },
  { name: 'TensorDataset: features that do not match the labels', make: none, call: () => new TensorDataset(f(5), Int32Array.of(0, 1), [2]), error: ValueError, op: 'TensorDataset', mentions: ['2 labels', 'got 5'] },
  { name: 'TensorDataset.get: index -1', make: () => ({ ds: data() }), call: ({ ds }) => ds.get(-1), error: ValueError, op: 'TensorDataset.get', mentions: ['-1', '6 samples'] },
  { name: 'TensorDataset.get: index 6 of 6', make: () => ({ ds: data() }), call: ({ ds }) => ds.get(6), error: ValueError, op: 'TensorDataset.get', mentions: ['index 6'] },
  { name: 'TensorDataset.get: index 1.5', make: () => ({ ds: data() }), call: ({ ds }) => ds.get(1.5), error: ValueError, op: 'TensorDataset.get', mentions: ['1.5'] },
  { name: 'TensorDataset.get: index NaN', make: () => ({ ds: data() }), call: ({ ds }) => ds.get(NaN), error: ValueError, op: 'TensorDataset.get', mentions: ['NaN'] },
  { name: 'TensorDataset.getBatch: an index past the end', make: () => ({ ds: data() }), call: ({ ds }) => ds.getBatch(Int32Array.of(0, 9)), error: ValueError, op: 'TensorDataset.getBatch', mentions: ['index 9', 'position 1'] },
  { name: 'TensorDataset.getBatch: a negative index', make: () => ({ ds: data() }), call: ({ ds }) => ds.getBatch(Int32Array.of(-1)), error: ValueError, op: 'TensorDataset.getBatch', mentions: ['index -1'] },
  { name: 'TensorDataset.getBatch: a fractional index in an array', make: () => ({ ds: data() }), call: ({ ds }) => ds.getBatch([0, 0.5] as never), error: ValueError, op: 'TensorDataset.getBatch', mentions: ['0.5'] },
  { name: 'TensorDataset.getBatch: not an array of indices', make: () => ({ ds: data() }), call: ({ ds }) => ds.getBatch(3 as never), error: ValueError, op: 'TensorDataset.getBatch', mentions: ['3'] },
];

const u8 = (n: number, v = 1) => new Uint8Array(n).fill(v);
const idxCases: BadInputCase[] = [
  { name: 'parseIdx: an array instead of bytes', make: none, call: () => parseIdx([0, 0, 8, 1] as never), error: ValueError, op: 'parseIdx', mentions: ['object'] },
  { name: 'parseIdx: 3 bytes', make: none, call: () => parseIdx(Uint8Array.of(0, 0, 8)), error: ValueError, op: 'parseIdx', mentions: ['3 bytes'] },
  { name: 'parseIdx: gzip bytes', make: none, call: () => parseIdx(gzipSync(idx(0x08, [1], [1]))), error: ValueError, op: 'parseIdx', mentions: ['gzip'] },
  { name: 'parseIdx: a bad magic number', make: none, call: () => parseIdx(Uint8Array.of(1, 0, 8, 1, 0, 0, 0, 0)), error: ValueError, op: 'parseIdx', mentions: ['0x01 0x00'] },
  { name: 'parseIdx: an unknown type code', make: none, call: () => parseIdx(idx(0x0a, [1], [1])), error: ValueError, op: 'parseIdx', mentions: ['0x0a'] },
  { name: 'parseIdx: 0 dimensions', make: none, call: () => parseIdx(Uint8Array.of(0, 0, 8, 0)), error: ValueError, op: 'parseIdx', mentions: ['0 dimensions'] },
  { name: 'parseIdx: a truncated header', make: none, call: () => parseIdx(Uint8Array.of(0, 0, 8, 3, 0, 0, 0, 1)), error: ValueError, op: 'parseIdx', mentions: ['3 dimensions', '8 bytes'] },
  { name: 'parseIdx: truncated data (named as given)', make: none, call: () => parseIdx(idx(0x08, [2, 3], u8(5)), 'train-images'), error: ValueError, op: 'parseIdx', mentions: ['train-images', 'truncated', '[2, 3]'] },
  { name: 'parseIdx: trailing bytes', make: none, call: () => parseIdx(idx(0x0c, [2], u8(9))), error: ValueError, op: 'parseIdx', mentions: ['1 trailing', 'int32'] },
  { name: 'parseIdx: dimensions past 2^53 bytes', make: none, call: () => parseIdx(idx(0x0e, [0xffffffff, 0xffffffff, 0xffffffff], u8(8))), error: ValueError, op: 'parseIdx', mentions: ['2^53'] },
];

/** Three 2×3 training images and two test images with their labels, which `edit` may spoil. */
const files = (edit: Partial<MnistIdxFiles> = {}): MnistIdxFiles => ({
  trainImages: idx(0x08, [3, 2, 3], u8(18, 7)),
  trainLabels: idx(0x08, [3], [7, 0, 9]),
  testImages: idx(0x08, [2, 2, 3], u8(12, 5)),
  testLabels: idx(0x08, [2], [1, 2]),
  ...edit,
});
const mnistIdx = (edit: Partial<MnistIdxFiles> | Record<string, unknown>) => () => ({ files: files(edit as Partial<MnistIdxFiles>) });
const loadIdx = ({ files: fs }: { files: MnistIdxFiles }) => loadMnistIdx(fs);
const mnistIdxCases: BadInputCase[] = [
  { name: 'loadMnistIdx: files null', make: none, call: () => loadMnistIdx(null as never), error: ValueError, op: 'loadMnistIdx', mentions: ['null'] },
  { name: 'loadMnistIdx: a missing file', make: () => { const fs = files(); delete (fs as Partial<MnistIdxFiles>).testLabels; return { files: fs }; }, call: loadIdx, error: ValueError, op: 'loadMnistIdx', mentions: ['missing testLabels'] },
  { name: 'loadMnistIdx: an unknown file key', make: mnistIdx({ validImages: u8(4) }), call: loadIdx, error: ValueError, op: 'loadMnistIdx', mentions: ['"validImages"'] },
  { name: 'loadMnistIdx: flatten as a string', make: mnistIdx({}), call: ({ files: fs }) => loadMnistIdx(fs, { flatten: 'no' as never }), error: ValueError, op: 'loadMnistIdx', mentions: ['flatten', '"no"'] },
  { name: 'loadMnistIdx: an unknown option', make: mnistIdx({}), call: ({ files: fs }) => loadMnistIdx(fs, { normalize: true } as never), error: ValueError, op: 'loadMnistIdx', mentions: ['"normalize"'] },
  { name: 'loadMnistIdx: a number for a file', make: mnistIdx({ trainLabels: 42 as never }), call: loadIdx, error: ValueError, op: 'loadMnistIdx', mentions: ['trainLabels', 'number'] },
  { name: 'loadMnistIdx: a path that does not exist', make: mnistIdx({ testImages: '/nonexistent/t10k-images-idx3-ubyte' }), call: loadIdx, error: ValueError, op: 'loadMnistIdx', mentions: ['/nonexistent/t10k-images-idx3-ubyte'] },
  { name: 'loadMnistIdx: a gzip file that does not inflate', make: mnistIdx({ trainImages: Uint8Array.of(0x1f, 0x8b, 8, 0, 1, 2, 3) }), call: loadIdx, error: ValueError, op: 'loadMnistIdx', mentions: ['trainImages', 'gzip'] },
  { name: 'loadMnistIdx: int32 images', make: mnistIdx({ trainImages: idx(0x0c, [3, 2, 3], u8(72)) }), call: loadIdx, error: ValueError, op: 'loadMnistIdx', mentions: ['trainImages', 'int32'] },
  { name: 'loadMnistIdx: images of rank 1 (a labels file)', make: mnistIdx({ trainImages: idx(0x08, [3], [1, 2, 3]) }), call: loadIdx, error: ValueError, op: 'loadMnistIdx', mentions: ['trainImages', 'labels file'] },
  { name: 'loadMnistIdx: labels of rank 3 (an images file)', make: mnistIdx({ testLabels: idx(0x08, [2, 2, 3], u8(12)) }), call: loadIdx, error: ValueError, op: 'loadMnistIdx', mentions: ['testLabels', 'images file'] },
  { name: 'loadMnistIdx: more labels than images', make: mnistIdx({ trainLabels: idx(0x08, [4], [1, 2, 3, 4]) }), call: loadIdx, error: ValueError, op: 'loadMnistIdx', mentions: ['3 images', '4 labels'] },
  { name: 'loadMnistIdx: a label of 10', make: mnistIdx({ testLabels: idx(0x08, [2], [1, 10]) }), call: loadIdx, error: ValueError, op: 'loadMnistIdx', mentions: ['label 10', 'index 1'] },
  { name: 'loadMnistIdx: test images of another size', make: mnistIdx({ testImages: idx(0x08, [2, 3, 2], u8(12)) }), call: loadIdx, error: ValueError, op: 'loadMnistIdx', mentions: ['2×3', '3×2'] },
  { name: 'loadMnistIdx: no images', make: mnistIdx({ testImages: idx(0x08, [0, 2, 3]), testLabels: idx(0x08, [0]) }), call: loadIdx, error: ValueError, op: 'loadMnistIdx', mentions: ['[0, 2, 3]'] },
  { name: 'loadMnistIdx: truncated labels', make: mnistIdx({ trainLabels: idx(0x08, [3], [1, 2]) }), call: loadIdx, error: ValueError, op: 'loadMnistIdx', mentions: ['trainLabels', 'truncated'] },
];

const mnistCases: BadInputCase[] = [
  { name: 'loadMnist: seed -1', make: none, call: () => loadMnist({ seed: -1 }), error: ValueError, op: 'loadMnist', mentions: ['seed', '-1'] },
  { name: 'loadMnist: seed 2^32', make: none, call: () => loadMnist({ seed: 2 ** 32 }), error: ValueError, op: 'loadMnist', mentions: ['4294967296'] },
  { name: 'loadMnist: testSize 10001', make: none, call: () => loadMnist({ testSize: 10001 }), error: ValueError, op: 'loadMnist', mentions: ['testSize', '10001'] },
  { name: 'loadMnist: flatten 1', make: none, call: () => loadMnist({ flatten: 1 as never }), error: ValueError, op: 'loadMnist', mentions: ['flatten', '1'] },
  { name: 'loadMnist: an unknown option', make: none, call: () => loadMnist({ split: 0.2 } as never), error: ValueError, op: 'loadMnist', mentions: ['"split"'] },
  { name: 'loadMnist: options that are a number', make: none, call: () => loadMnist(3 as never), error: ValueError, op: 'loadMnist', mentions: ['3'] },
];

const tok = () => ({ t: new CharTokenizer('abc') });
const tokenizers: BadInputCase[] = [
  { name: 'CharTokenizer: null', make: none, call: () => new CharTokenizer(null as never), error: ValueError, op: 'CharTokenizer', mentions: ['null'] },
  { name: 'CharTokenizer: an entry of two characters', make: none, call: () => new CharTokenizer(['a', 'bc']), error: ValueError, op: 'CharTokenizer', mentions: ['"bc"'] },
  { name: 'CharTokenizer: a number entry', make: none, call: () => new CharTokenizer([1] as never), error: ValueError, op: 'CharTokenizer', mentions: ['1'] },
  { name: 'CharTokenizer.fromCorpus: a number among the texts', make: none, call: () => CharTokenizer.fromCorpus(['ab', 7 as never]), error: ValueError, op: 'CharTokenizer.fromCorpus', mentions: ['7'] },
  { name: 'CharTokenizer.encode: a number', make: tok, call: ({ t }) => t.encode(5 as never), error: ValueError, op: 'CharTokenizer.encode', mentions: ['5'] },
  { name: 'CharTokenizer.encode: addBos 1', make: tok, call: ({ t }) => t.encode('ab', { addBos: 1 as never }), error: ValueError, op: 'CharTokenizer.encode', mentions: ['addBos', '1'] },
  { name: 'CharTokenizer.encode: an unknown option', make: tok, call: ({ t }) => t.encode('ab', { bos: true } as never), error: ValueError, op: 'CharTokenizer.encode', mentions: ['"bos"'] },
  { name: 'CharTokenizer.decode: an id past the vocabulary', make: tok, call: ({ t }) => t.decode([4, 99]), error: ValueError, op: 'CharTokenizer.decode', mentions: ['99', 'position 1', '[0, 7)'] },
  { name: 'CharTokenizer.decode: a fractional id', make: tok, call: ({ t }) => t.decode([4.5]), error: ValueError, op: 'CharTokenizer.decode', mentions: ['4.5'] },
  { name: 'CharTokenizer.decode: null', make: tok, call: ({ t }) => t.decode(null as never), error: ValueError, op: 'CharTokenizer.decode', mentions: ['null'] },
  { name: 'CharTokenizer.decode: a string of digits', make: tok, call: ({ t }) => t.decode('45' as never), error: ValueError, op: 'CharTokenizer.decode', mentions: ['"45"'] },
  { name: 'CharTokenizer.encodeBatch: not an array', make: tok, call: ({ t }) => t.encodeBatch('abc' as never, 4), error: ValueError, op: 'CharTokenizer.encodeBatch', mentions: ['"abc"'] },
  { name: 'CharTokenizer.encodeBatch: length 0', make: tok, call: ({ t }) => t.encodeBatch(['a'], 0), error: ValueError, op: 'CharTokenizer.encodeBatch', mentions: ['length', 'got 0'] },
  { name: 'CharTokenizer.encodeBatch: a text longer than length', make: tok, call: ({ t }) => t.encodeBatch(['a', 'abcab'], 4, { addEos: true }), error: ValueError, op: 'CharTokenizer.encodeBatch', mentions: ['text 1', '6 ids', 'length 4'] },
  { name: 'CharTokenizer.encodeBatch: a number among the texts', make: tok, call: ({ t }) => t.encodeBatch(['a', 3 as never], 4), error: ValueError, op: 'CharTokenizer.encodeBatch', mentions: ['text 1', '3'] },
];

const dates: BadInputCase[] = [
  { name: 'spanishDates: no options', make: none, call: () => spanishDates(undefined as never), error: ValueError, op: 'spanishDates', mentions: ['count'] },
  { name: 'spanishDates: count -1', make: none, call: () => spanishDates({ count: -1 }), error: ValueError, op: 'spanishDates', mentions: ['count', '-1'] },
  { name: 'spanishDates: a fractional seed', make: none, call: () => spanishDates({ count: 2, seed: 1.5 }), error: ValueError, op: 'spanishDates', mentions: ['seed', '1.5'] },
  { name: 'spanishDates: minYear 0', make: none, call: () => spanishDates({ count: 2, minYear: 0 }), error: ValueError, op: 'spanishDates', mentions: ['minYear', '0'] },
  { name: 'spanishDates: maxYear before minYear', make: none, call: () => spanishDates({ count: 2, minYear: 2000, maxYear: 1999 }), error: ValueError, op: 'spanishDates', mentions: ['maxYear', '1999'] },
  { name: 'spanishDates: no formats', make: none, call: () => spanishDates({ count: 2, formats: [] }), error: ValueError, op: 'spanishDates', mentions: ['array of length 0'] },
  { name: "spanishDates: an unknown format 'iso'", make: none, call: () => spanishDates({ count: 2, formats: ['iso' as never] }), error: ValueError, op: 'spanishDates', mentions: ['formats'] },
  { name: 'spanishDates: an unknown option', make: none, call: () => spanishDates({ count: 2, locale: 'es' } as never), error: ValueError, op: 'spanishDates', mentions: ['"locale"'] },
  { name: 'spanishDayWords: day 0', make: none, call: () => spanishDayWords(0), error: ValueError, op: 'spanishDayWords', mentions: ['day', 'got 0'] },
  { name: 'spanishDayWords: day 32', make: none, call: () => spanishDayWords(32), error: ValueError, op: 'spanishDayWords', mentions: ['32'] },
  { name: 'spanishDayWords: day 1.5', make: none, call: () => spanishDayWords(1.5), error: ValueError, op: 'spanishDayWords', mentions: ['1.5'] },
  { name: 'daysInMonth: month 13', make: none, call: () => daysInMonth(2024, 13), error: ValueError, op: 'daysInMonth', mentions: ['month', '13'] },
  { name: 'daysInMonth: month 0', make: none, call: () => daysInMonth(2024, 0), error: ValueError, op: 'daysInMonth', mentions: ['month', 'got 0'] },
  { name: 'daysInMonth: a fractional year', make: none, call: () => daysInMonth(2024.5, 2), error: ValueError, op: 'daysInMonth', mentions: ['year', '2024.5'] },
  { name: 'daysInMonth: year NaN', make: none, call: () => daysInMonth(NaN, 2), error: ValueError, op: 'daysInMonth', mentions: ['NaN'] },
];

runCases('DataLoader', loaders);
runCases('TensorDataset', tensorDatasets);
runCases('parseIdx', idxCases);
runCases('loadMnistIdx', mnistIdxCases);
runCases('loadMnist options', mnistCases);
runCases('CharTokenizer', tokenizers);
runCases('Spanish dates', dates);
