import type { Config } from '../../config';
import { type Database, openPglite, openPostgres } from './client';
import { pgliteTemplatePath } from './pglite-template';

/** Open the database the config names: PostgreSQL when DATABASE_URL is set, else PGlite under DATA_DIR. */
export async function openDatabase(config: Config): Promise<Database> {
  if (config.databaseUrl) {
    return openPostgres({
      url: config.databaseUrl,
      replicaUrl: config.databaseReplicaUrl,
      poolMax: config.dbPoolMax,
      statementTimeoutMs: config.dbStatementTimeoutMs,
      connectTimeoutMs: config.dbConnectTimeoutMs,
    });
  }
  return openPglite(config.dataDir, pgliteTemplatePath());
}
