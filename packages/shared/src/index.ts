export * from './auth';
export * from './common';
export * from './errors';
export * from './imports';
export * from './messages';
export * from './tasks';
export * from './users';
