import { defineConfig } from 'drizzle-kit';

/** drizzle-kit only generates SQL here; migrations are applied from code (src/infra/db/migrate.ts) on both drivers. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './apps/api/src/infra/db/schema/index.ts',
  out: './apps/api/drizzle',
  casing: 'snake_case',
});
