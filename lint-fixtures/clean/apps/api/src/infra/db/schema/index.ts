export * from './tasks';
export * from './users';
