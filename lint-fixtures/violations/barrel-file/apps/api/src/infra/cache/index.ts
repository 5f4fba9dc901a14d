// Violation: a barrel inside an app.
export { createCache } from './cache';
