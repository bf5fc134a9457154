import { browserSuite } from './browser/suite.js';

browserSuite('webgpu', { mlp: true });
