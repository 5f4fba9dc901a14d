/**
 * Vitest setup (root vitest.config.ts setupFiles): i18next initialised in English before every test file, so
 * components render their English text (not keys) in component tests. Cheap for the API's tests (no React render).
 */
import { initI18n } from '../lib/i18n';

await initI18n('en');
