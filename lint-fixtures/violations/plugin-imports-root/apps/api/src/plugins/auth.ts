// Violation: a plugin imports app.ts, which registers it.
import type { buildApp } from '../app';

export type App = ReturnType<typeof buildApp>;
