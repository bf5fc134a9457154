/**
 * A one-line progress bar for training loops: epoch, batch, loss and throughput. On a
 * terminal it redraws in place; in a log (CI) it prints a line every tenth of an epoch.
 */
export class ProgressBar {
  private readonly started = performance.now();
  private samples = 0;
  private lastLogged = -1;

  constructor(
    private readonly epoch: number,
    private readonly epochs: number,
    private readonly batches: number,
    private readonly out: NodeJS.WriteStream = process.stdout,
  ) {}

  /** Records one finished batch of `size` samples with its loss. */
  tick(batch: number, size: number, loss: number): void {
    this.samples += size;
    const done = batch + 1;
    const rate = this.samples / ((performance.now() - this.started) / 1000);
    const width = 24;
    const filled = Math.round((done / this.batches) * width);
    const line =
      `epoch ${this.epoch}/${this.epochs} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` +
      `batch ${String(done).padStart(String(this.batches).length)}/${this.batches} ` +
      `loss ${loss.toFixed(4)} ${Math.round(rate)} samples/s`;
    if (this.out.isTTY) {
      this.out.write(`\r${line}`);
      if (done === this.batches) this.out.write('\n');
    } else {
      const tenth = Math.floor((done * 10) / this.batches);
      if (tenth !== this.lastLogged && (tenth % 5 === 0 || done === this.batches)) {
        this.lastLogged = tenth;
        this.out.write(`${line}\n`);
      }
    }
  }
}
