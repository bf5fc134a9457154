/** Every implemented experiment, in the order `lab all` runs them (cheapest first). */
import type { Experiment } from '../lib/lab.js';
import { convIm2col } from './c10-conv-im2col.js';
import { softmaxConfidence } from './c6-softmax-confidence.js';
import { minibatch } from './c1-minibatch.js';
import { momentum } from './c2-momentum.js';

export const experiments: Experiment[] = [convIm2col, softmaxConfidence, minibatch, momentum];
