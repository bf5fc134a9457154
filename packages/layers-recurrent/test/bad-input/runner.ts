// The shared case runner (tools/bad-input): one copy for every package's suite.
export * from '@profundo/bad-input';
