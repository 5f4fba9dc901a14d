export * from './jobs';
export * from './tasks';
export * from './users';
