/** Every experiment, in the order `lab all` runs them: the quick checks and MNIST ones first, the Transformer ones (which train a model) last, then C16 (LSTM against attention). */
import type { Experiment } from '../lib/lab.js';
import { convIm2col } from './c10-conv-im2col.js';
import { softmaxConfidence } from './c6-softmax-confidence.js';
import { minibatch } from './c1-minibatch.js';
import { momentum } from './c2-momentum.js';
import { optimizerRace } from './c3-optimizers.js';
import { l2 } from './c4-l2.js';
import { dropout } from './c5-dropout.js';
import { depth } from './c8-depth.js';
import { cnnVsMlp } from './c9-cnn-vs-mlp.js';
import { matmulBackends } from './c7-matmul-backends.js';
import { receptiveField } from './c11-receptive-field.js';
import { decoding, heads, positionalEncoding, selfAttention } from './c12-c15-transformer.js';
import { recurrentVsAttention } from './c16-recurrent-vs-attention.js';

export const experiments: Experiment[] = [convIm2col, softmaxConfidence, minibatch, momentum, optimizerRace, l2, dropout, depth, cnnVsMlp, matmulBackends, receptiveField, selfAttention, heads, decoding, positionalEncoding, recurrentVsAttention];
