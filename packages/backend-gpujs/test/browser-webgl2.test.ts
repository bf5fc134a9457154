import { browserSuite } from './browser/suite.js';

browserSuite('webgl2', { mlp: true });
