export * from './field-cipher';
export * from './reencrypt';
