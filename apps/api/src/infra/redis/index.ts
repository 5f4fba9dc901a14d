export * from './client';
export * from './rate-limit-store';
export * from './revocation-bus';
