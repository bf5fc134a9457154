import { browserSuite } from './browser/suite.js';

// WebGL 1 with OES_texture_float, which Chromium's SwiftShader has.
browserSuite('webgl', { mlp: true });
