/**
 * The live demo: trains a small CNN on MNIST in the page on the backend the visitor picks, plots
 * the loss and test accuracy as it goes, and classifies the digit the visitor draws.
 *
 * Query parameters (for links and tests): `backend=cpu|webgl2|webgpu` preselects a backend,
 * `steps=N` trains for N steps instead of whole epochs, `testDigits=N` measures accuracy on the
 * first N test digits only (software GPUs are slow).
 *
 * The page's state is readable as `globalThis.profundoDemo` (see {@link DemoState}).
 */
import { offered, use, CHOICES, type Choice, type Running } from './backends.js';
import { LossChart } from './chart.js';
import { firstDigits, loadDigits, type MnistSubset } from './data.js';
import { DrawingPad, paint } from './draw.js';
import { ARCHITECTURE, DEFAULT_SETTINGS, Trainer } from './train.js';

/** What the page is doing, for the curious and for tests. */
export interface DemoState {
  phase: 'loading' | 'ready' | 'training' | 'done' | 'error';
  /** What the browser seems to offer. */
  offered: Record<Choice, boolean> | null;
  /** The backend the last run used, as it reports itself. */
  running: Running | null;
  /** Why the picked backend did not run, when the page fell back to the CPU. */
  fallback: string | null;
  /** Steps of the current run, and its target. */
  step: number;
  totalSteps: number;
  /** Loss of each step of the current run. */
  losses: number[];
  /** Test accuracy measured during the current run. */
  accuracy: { step: number; value: number }[];
  /** Softmax probabilities of the ten digits for the drawing, once predicted. */
  probabilities: number[] | null;
  /** Predictions made so far. */
  predictions: number;
  /** Milliseconds per training step over the run so far. */
  msPerStep: number | null;
  /** Milliseconds each step took (the first ones include compiling a GPU backend's kernels), and each test-set evaluation. */
  stepMs: number[];
  evalMs: number[];
  error: string | null;
}

const state: DemoState = {
  phase: 'loading',
  offered: null,
  running: null,
  fallback: null,
  step: 0,
  totalSteps: 0,
  losses: [],
  accuracy: [],
  probabilities: null,
  predictions: 0,
  msPerStep: null,
  stepMs: [],
  evalMs: [],
  error: null,
};
(globalThis as { profundoDemo?: DemoState }).profundoDemo = state;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  backend: $<HTMLSelectElement>('backend'),
  epochs: $<HTMLSelectElement>('epochs'),
  train: $<HTMLButtonElement>('train'),
  stop: $<HTMLButtonElement>('stop'),
  status: $<HTMLParagraphElement>('status'),
  running: $<HTMLElement>('running'),
  step: $<HTMLElement>('step'),
  loss: $<HTMLElement>('loss'),
  accuracy: $<HTMLElement>('accuracy'),
  speed: $<HTMLElement>('speed'),
  pad: $<HTMLCanvasElement>('pad'),
  seen: $<HTMLCanvasElement>('seen'),
  clear: $<HTMLButtonElement>('clear'),
  probs: $<HTMLOListElement>('probs'),
  guess: $<HTMLElement>('guess'),
  hint: $<HTMLParagraphElement>('hint'),
  arch: $<HTMLElement>('arch'),
};

const params = new URLSearchParams(location.search);
const stepsParam = Number(params.get('steps'));
const fixedSteps = Number.isInteger(stepsParam) && stepsParam > 0 ? stepsParam : null;
const testParam = Number(params.get('testDigits'));
const testDigits = Number.isInteger(testParam) && testParam > 0 ? testParam : null;
const chart = new LossChart(document.getElementById('chart') as unknown as SVGSVGElement);
let data: MnistSubset | null = null;
let trainer: Trainer | null = null;
let stopRequested = false;

ui.arch.textContent = ARCHITECTURE;

function setStatus(text: string, kind: 'info' | 'error' = 'info'): void {
  ui.status.textContent = text;
  ui.status.dataset.kind = kind;
}

function fmtPct(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}

/** Shows the state's numbers and the chart. */
function render(): void {
  ui.step.textContent = state.totalSteps ? `${state.step} / ${state.totalSteps}` : '—';
  const last = state.losses.at(-1);
  ui.loss.textContent = last === undefined ? '—' : last.toFixed(3);
  const acc = state.accuracy.at(-1);
  ui.accuracy.textContent = acc ? `${fmtPct(acc.value)} (step ${acc.step})` : '—';
  ui.speed.textContent = state.msPerStep === null ? '—' : `${state.msPerStep.toFixed(0)} ms / step`;
  ui.running.textContent = state.running ? state.running.label : '—';
  ui.running.dataset.mode = state.running?.mode ?? '';
  chart.draw(state.losses, state.accuracy, state.totalSteps || 100);
}

/** Lets the browser paint and handle input. */
function yieldToBrowser(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Makes the picked backend current; falls back to the CPU (saying why) when it cannot run. */
async function pickBackend(choice: Choice): Promise<Running> {
  state.fallback = null;
  try {
    return await use(choice);
  } catch (e) {
    if (choice === 'cpu') throw e;
    state.fallback = `${choice} did not start here (${(e as Error).message}); running on the CPU instead`;
    const option = ui.backend.querySelector<HTMLOptionElement>(`option[value="${choice}"]`);
    if (option) option.disabled = true;
    return use('cpu');
  }
}

async function train(): Promise<void> {
  if (!data || state.phase === 'training') return;
  const choice = ui.backend.value as Choice;
  state.phase = 'training';
  state.error = null;
  stopRequested = false;
  ui.train.disabled = true;
  ui.backend.disabled = true;
  ui.epochs.disabled = true;
  ui.stop.disabled = false;
  setStatus(choice === 'cpu' ? 'Starting the CPU backend…' : `Loading gpu.js and starting ${choice}…`);
  try {
    trainer?.dispose();
    trainer = null;
    state.running = await pickBackend(choice);
    const t = new Trainer(data.train, data.test, DEFAULT_SETTINGS);
    trainer = t;
    const epochs = Number(ui.epochs.value);
    const total = fixedSteps ?? epochs * t.stepsPerEpoch;
    const evalEvery = Math.max(25, Math.round(t.stepsPerEpoch / 4));
    Object.assign(state, { step: 0, totalSteps: total, losses: [], accuracy: [], msPerStep: null, stepMs: [], evalMs: [] });
    setStatus(`${state.fallback ? `${state.fallback}. ` : ''}Training ${t.parameterCount.toLocaleString('en')} parameters, batch ${t.settings.batchSize}, Adam (lr ${t.settings.lr})…`);
    render();
    let painted = performance.now();
    let trainingMs = 0;
    const evaluate = async () => {
      const t0 = performance.now();
      state.accuracy.push({ step: state.step, value: await t.accuracy() });
      state.evalMs.push(performance.now() - t0);
    };
    while (state.step < total && !stopRequested) {
      const t0 = performance.now();
      state.losses.push(await t.trainStep());
      state.stepMs.push(performance.now() - t0);
      trainingMs += performance.now() - t0;
      state.step = t.step;
      state.msPerStep = trainingMs / state.step;
      if (state.step % evalEvery === 0 || state.step === total) await evaluate();
      if (performance.now() - painted > 60 || state.step === total) {
        render();
        await yieldToBrowser();
        painted = performance.now();
      }
    }
    if (stopRequested && state.accuracy.at(-1)?.step !== state.step && state.step > 0) await evaluate();
    state.phase = 'done';
    const acc = state.accuracy.at(-1);
    setStatus(
      `${state.fallback ? `${state.fallback}. ` : ''}${stopRequested ? 'Stopped' : 'Done'} after ${state.step} steps` +
        (acc ? `: ${fmtPct(acc.value)} of the ${data.test.count.toLocaleString('en')} test digits right.` : '.') +
        ' Draw a digit below.',
    );
  } catch (e) {
    state.phase = 'error';
    state.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    setStatus(`Training failed: ${state.error}`, 'error');
    console.error(e);
  } finally {
    ui.train.disabled = false;
    ui.backend.disabled = false;
    ui.epochs.disabled = false;
    ui.stop.disabled = true;
    render();
    if (pad.dirty) void predict();
  }
}

// ---- drawing and prediction ----

const bars: { row: HTMLLIElement; fill: HTMLElement; value: HTMLElement }[] = [];
for (let d = 0; d < 10; d++) {
  const row = document.createElement('li');
  row.innerHTML = `<span class="digit">${d}</span><span class="bar"><span class="fill"></span></span><span class="value">—</span>`;
  ui.probs.append(row);
  bars.push({ row, fill: row.querySelector('.fill')!, value: row.querySelector('.value')! });
}

function showProbabilities(p: number[] | null): void {
  const best = p ? p.indexOf(Math.max(...p)) : -1;
  bars.forEach((b, d) => {
    const v = p?.[d] ?? 0;
    b.fill.style.width = `${(v * 100).toFixed(1)}%`;
    b.value.textContent = p ? fmtPct(v) : '—';
    b.row.classList.toggle('best', d === best);
  });
  ui.guess.textContent = p ? String(best) : '?';
}

let predicting = false;
let again = false;

async function predict(): Promise<void> {
  if (predicting) {
    again = true;
    return;
  }
  const image = pad.toMnist();
  paint(ui.seen, image);
  if (!image) {
    state.probabilities = null;
    showProbabilities(null);
    return;
  }
  if (!trainer) {
    ui.guess.textContent = '?';
    ui.hint.textContent = 'Train the network first (step 1): an untrained one only guesses.';
    ui.hint.dataset.kind = 'warn';
    return;
  }
  ui.hint.hidden = true;
  predicting = true;
  try {
    const p = await trainer.predict(image);
    state.probabilities = p;
    state.predictions++;
    showProbabilities(p);
  } catch (e) {
    setStatus(`Prediction failed: ${(e as Error).message}`, 'error');
    console.error(e);
  } finally {
    predicting = false;
    if (again) {
      again = false;
      void predict();
    }
  }
}

const pad = new DrawingPad(ui.pad, () => void predict());
ui.clear.addEventListener('click', () => {
  pad.clear();
  void predict();
});
showProbabilities(null);
paint(ui.seen, null);

// ---- start ----

ui.train.addEventListener('click', () => void train());
ui.stop.addEventListener('click', () => {
  stopRequested = true;
});

async function start(): Promise<void> {
  const [digits, avail] = await Promise.all([loadDigits(new URL('mnist.bin', import.meta.url).href), offered()]);
  data = testDigits ? { ...digits, test: firstDigits(digits.test, testDigits) } : digits;
  state.offered = avail;
  for (const choice of CHOICES) {
    const option = ui.backend.querySelector<HTMLOptionElement>(`option[value="${choice}"]`)!;
    option.disabled = !avail[choice];
    if (!avail[choice]) option.textContent += ' — not available here';
  }
  const wanted = params.get('backend') as Choice | null;
  ui.backend.value = wanted && avail[wanted] ? wanted : avail.webgl2 ? 'webgl2' : 'cpu';
  if (fixedSteps) {
    const option = document.createElement('option');
    option.value = '0';
    option.textContent = `${fixedSteps} steps`;
    ui.epochs.append(option);
    ui.epochs.value = '0';
  }
  state.phase = 'ready';
  ui.train.disabled = false;
  setStatus(
    `Loaded ${data.train.count.toLocaleString('en')} training and ${data.test.count.toLocaleString('en')} test digits ` +
      `(${(digits.fetchedBytes / 1024).toFixed(0)} KiB). Pick a backend and press Train.`,
  );
  render();
}

start().catch((e: unknown) => {
  state.phase = 'error';
  state.error = e instanceof Error ? e.message : String(e);
  setStatus(`Could not start: ${state.error}`, 'error');
  console.error(e);
});
