export * from './identities';
export * from './jobs';
export * from './tasks';
export * from './users';
