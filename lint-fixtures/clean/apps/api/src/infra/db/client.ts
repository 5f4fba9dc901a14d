import * as schema from './schema';

export function openDatabase(url: string) {
  return { url, tables: Object.keys(schema) };
}

export type Db = ReturnType<typeof openDatabase>;
