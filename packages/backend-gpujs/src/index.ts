// Intentionally empty: this package is filled by a later milestone (see its README).
export {};
