/**
 * The Node half of the backends' browser suites: bundle a test page (`bundlePage`), serve it
 * (`serve`), drive Debian's Chromium (`launchChromium`, `collectErrors`), or all of it at once
 * (`openSession`). The page's half is `@profundo/browser-test/page`.
 */
export { bundlePage, importMap, type PageBackend, type PageBundle } from './bundle.js';
export { BASE_FLAGS, CHROMIUM, collectErrors, launchChromium } from './chromium.js';
export { serve, type ServeOptions } from './serve.js';
export { openSession, type BrowserSession, type SessionOptions } from './session.js';
export { PAGE_GLOBAL, type CaseOutcome } from './page.js';
