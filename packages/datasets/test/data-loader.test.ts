import { describe, expect, it } from 'vitest';
import { DataLoader, type Dataset } from '../src/index.js';
import { Generator, manualSeed } from '@profundo/core';

/** A dataset whose sample i is the number i, so batches show exactly which indices they hold. */
function range(n: number): Dataset<number> {
  return { length: n, get: (i) => i };
}

function epoch<B>(loader: Iterable<B>): B[] {
  return [...loader];
}

describe('DataLoader: batching in order', () => {
  it('keeps the partial last batch by default', () => {
    const loader = new DataLoader(range(10), { batchSize: 4 });
    expect(loader.length).toBe(3);
    expect(epoch(loader)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  });

  it('drops the partial last batch with dropLast', () => {
    const loader = new DataLoader(range(10), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect(epoch(loader)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
  });

  it('drops nothing when the batch size divides the dataset', () => {
    const a = new DataLoader(range(12), { batchSize: 4, dropLast: true });
    const b = new DataLoader(range(12), { batchSize: 4 });
    expect(a.length).toBe(3);
    expect(epoch(a)).toEqual(epoch(b));
  });

  it('handles a batch larger than the dataset and an empty dataset', () => {
    expect(epoch(new DataLoader(range(3), { batchSize: 8 }))).toEqual([[0, 1, 2]]);
    const dropped = new DataLoader(range(3), { batchSize: 8, dropLast: true });
    expect(dropped.length).toBe(0);
    expect(epoch(dropped)).toEqual([]);
    const empty = new DataLoader(range(0), { batchSize: 2 });
    expect(empty.length).toBe(0);
    expect(epoch(empty)).toEqual([]);
  });

  it('batchSize 1 yields every sample alone', () => {
    expect(epoch(new DataLoader(range(3), { batchSize: 1 }))).toEqual([[0], [1], [2]]);
  });
});

describe('DataLoader: shuffling', () => {
  it('covers every index exactly once per epoch, with the right batch sizes', () => {
    const n = 103;
    const loader = new DataLoader(range(n), { batchSize: 10, shuffle: true, generator: new Generator(1) });
    for (let e = 0; e < 3; e++) {
      const batches = epoch(loader);
      expect(batches.length).toBe(loader.length);
      expect(batches.map((b) => b.length)).toEqual([...Array(10).fill(10), 3]);
      const seen = batches.flat().sort((a, b) => a - b);
      expect(seen).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it('with dropLast, draws each kept sample once and drops n % batchSize samples', () => {
    const loader = new DataLoader(range(103), { batchSize: 10, shuffle: true, dropLast: true, generator: new Generator(2) });
    const batches = epoch(loader);
    expect(batches.length).toBe(10);
    expect(batches.every((b) => b.length === 10)).toBe(true);
    const seen = batches.flat();
    expect(new Set(seen).size).toBe(100);
    expect(seen.every((i) => Number.isInteger(i) && i >= 0 && i < 103)).toBe(true);
  });

  it('actually shuffles, and gives a new order every epoch', () => {
    const loader = new DataLoader(range(100), { batchSize: 100, shuffle: true, generator: new Generator(3) });
    const [a] = epoch(loader);
    const [b] = epoch(loader);
    const sorted = Array.from({ length: 100 }, (_, i) => i);
    expect(a).not.toEqual(sorted);
    expect(b).not.toEqual(sorted);
    expect(a).not.toEqual(b);
  });

  it('is deterministic under a seeded generator, and seed-dependent', () => {
    const run = (seed: number) => {
      const loader = new DataLoader(range(50), { batchSize: 7, shuffle: true, generator: new Generator(seed) });
      return [epoch(loader), epoch(loader), epoch(loader)];
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });

  it('draws from the global generator by default, so manualSeed controls it', () => {
    const loader = new DataLoader(range(50), { batchSize: 50, shuffle: true });
    manualSeed(7);
    const first = epoch(loader);
    const second = epoch(loader);
    manualSeed(7);
    expect(epoch(loader)).toEqual(first);
    expect(epoch(loader)).toEqual(second);
    expect(second).not.toEqual(first);
  });

  it('fixes the order when iteration starts', () => {
    const loader = new DataLoader(range(30), { batchSize: 30, shuffle: true });
    manualSeed(11);
    const expected = epoch(loader);
    manualSeed(11);
    const it = loader[Symbol.iterator]();
    manualSeed(999); // reseeding mid-epoch does not change the epoch already started
    expect(it.next().value).toEqual(expected[0]);
  });

  it('runs independent epochs from two iterators', () => {
    const loader = new DataLoader(range(9), { batchSize: 3 });
    const a = loader[Symbol.iterator]();
    const b = loader[Symbol.iterator]();
    expect(a.next().value).toEqual([0, 1, 2]);
    expect(b.next().value).toEqual([0, 1, 2]);
    expect(a.next().value).toEqual([3, 4, 5]);
  });
});

describe('DataLoader: collation', () => {
  it('passes the samples of a batch to collate', () => {
    const loader = new DataLoader(range(5), { batchSize: 2, collate: (xs: number[]) => xs.reduce((s, x) => s + x, 0) });
    expect(epoch(loader)).toEqual([1, 5, 4]);
  });

  it("uses the dataset's getBatch when there is no collate", () => {
    const calls: number[][] = [];
    const ds: Dataset<number, string> = {
      length: 5,
      get: () => {
        throw new Error('get should not be called');
      },
      getBatch: (indices) => {
        expect(indices).toBeInstanceOf(Int32Array);
        calls.push([...indices]);
        return [...indices].join(',');
      },
    };
    expect(epoch(new DataLoader(ds, { batchSize: 2 }))).toEqual(['0,1', '2,3', '4']);
    expect(calls).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('prefers collate over getBatch', () => {
    const ds: Dataset<number, number[]> = { length: 3, get: (i) => i * 10, getBatch: () => [-1] };
    const loader = new DataLoader(ds, { batchSize: 3, collate: (xs) => xs });
    expect(epoch(loader)).toEqual([[0, 10, 20]]);
  });
});

describe('DataLoader: validation', () => {
  const ds = range(10);
  const bad = (options: unknown) => () => new DataLoader(ds, options as never);

  it.each([0, -1, 1.5, Number.NaN, Infinity, '4', null])('rejects batchSize %s', (batchSize) => {
    expect(bad({ batchSize })).toThrow(/^DataLoader: batchSize must be a positive integer, got /);
  });

  it('requires options and a batchSize', () => {
    expect(bad(undefined)).toThrow('DataLoader: options with a batchSize are required');
    expect(bad({})).toThrow('DataLoader: batchSize is required');
    expect(bad({ shuffle: true })).toThrow('DataLoader: batchSize is required');
    expect(bad(4)).toThrow('DataLoader: options must be an object, got 4');
  });

  it('rejects misspelled options instead of ignoring them', () => {
    expect(bad({ batchSize: 4, batch_size: 4 })).toThrow(/DataLoader: unknown option "batch_size"; expected one of batchSize/);
    expect(bad({ batchSize: 4, drop_last: true })).toThrow(/unknown option "drop_last"/);
  });

  it('rejects non-boolean flags, a bad generator and a bad collate', () => {
    expect(bad({ batchSize: 4, shuffle: 'yes' })).toThrow('DataLoader: shuffle must be a boolean, got "yes"');
    expect(bad({ batchSize: 4, dropLast: 1 })).toThrow('DataLoader: dropLast must be a boolean, got 1');
    expect(bad({ batchSize: 4, generator: {} })).toThrow('DataLoader: generator must be a Generator, got an object');
    expect(bad({ batchSize: 4, generator: null })).toThrow('DataLoader: generator must be a Generator, got null');
    expect(bad({ batchSize: 4, collate: 3 })).toThrow('DataLoader: collate must be a function, got 3');
  });

  it('rejects things that are not datasets', () => {
    const make = (dataset: unknown) => () => new DataLoader(dataset as never, { batchSize: 2 });
    expect(make(null)).toThrow('DataLoader: dataset must be an object with a get(index) method, got null');
    expect(make([1, 2, 3])).toThrow(/dataset must be an object with a get\(index\) method, got an array/);
    expect(make({ length: 3 })).toThrow(/dataset must be an object with a get/);
    expect(make({ length: -1, get: () => 0 })).toThrow('DataLoader: dataset.length must be a non-negative integer, got -1');
    expect(make({ length: 2.5, get: () => 0 })).toThrow(/dataset.length must be a non-negative integer, got 2.5/);
    expect(make({ length: 2, get: () => 0, getBatch: 1 })).toThrow(/dataset.getBatch must be a function/);
  });

  it('throws errors whose op names the loader', () => {
    try {
      new DataLoader(ds, { batchSize: 0 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Error);
      expect((e as { op?: string }).op).toBe('DataLoader');
      expect((e as Error).name).toBe('ValueError');
    }
  });
});
