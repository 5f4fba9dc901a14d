/**
 * Command line: `npm run cli -- <command> [args]`.
 *   migrate              apply pending migrations (also `npm run db:migrate`)
 *   make-admin <email>   give an existing user the admin role
 *   backfill-projects    move tasks older than projects into their owner's inbox (batched, resumable)
 *   reencrypt            re-encrypt field envelopes with the current FIELD_ENCRYPTION_KEYS key
 *   seed [--users N] [--tasks N] [--heavy-user N] [--seed S] [--force]   benchmark data (also `npm run db:seed`)
 *   backup <file>        back the database up (also `npm run db:backup`; see scripts/backup.ts)
 *   restore <file>       replace the database with a backup (also `npm run db:restore`)
 * Each command calls what a module exports (its entry) or a maintenance script; none holds SQL of its own.
 */
import { ConfigError, type Config, loadConfig } from './config';
import type { Database } from './infra/db/client';
import { openDatabase } from './infra/db/open';
import { runMigrations } from './infra/db/migrate';
import { webhookCipher } from './composition';
import { loadOrCreateSecret } from './infra/secrets';
import { mailJobKey } from './infra/queue/queued-mailer';
import { reencryptIdTokens } from './modules/oidc';
import { reencryptWebhookSecrets } from './modules/webhooks';
import { backfillInboxes, ensureTaskIndexes } from './modules/projects';
import { grantAdminRole } from './modules/users';
import { backupCommand } from './scripts/backup';
import { seedCommand } from './scripts/seed';

type Command = (args: string[], ctx: { config: Config; database: Database }) => Promise<number>;
/** A command that must not have the database open (it copies or replaces it). */
type Standalone = (args: string[], config: Config) => Promise<number>;

const commands: Record<string, { help: string; run?: Command; standalone?: Standalone }> = {
  migrate: {
    help: 'apply pending migrations',
    run: async (_args, { database }) => {
      await runMigrations(database);
      console.log(`migrations applied (${database.kind})`);
      return 0;
    },
  },
  'make-admin': {
    help: '<email>  give an existing user the admin role',
    run: async (args, { database }) => {
      const email = args[0]?.trim().toLowerCase();
      if (!email) {
        console.error('usage: npm run cli -- make-admin <email>');
        return 2;
      }
      await runMigrations(database);
      if (!(await grantAdminRole(database.db, email))) {
        console.error(`no user with email ${email}`);
        return 1;
      }
      console.log(`${email} is now an admin`);
      return 0;
    },
  },
  'backfill-projects': {
    help: '[--batch 5000]  move tasks older than projects into their owner inbox (batched, resumable), then NOT NULL, then the tasks indexes (CONCURRENTLY)',
    run: async (args, { database }) => {
      await runMigrations(database);
      const i = args.indexOf('--batch');
      const batch = i >= 0 ? Number(args[i + 1]) : 5000;
      const out = await backfillInboxes(database.db, {
        batch,
        onBatch: (moved, batches) => {
          if (batches % 20 === 0) console.log(`  ${moved} tasks moved (${batches} batches)`);
        },
      });
      console.log(
        out.alreadyDone
          ? 'backfill-projects: already done (tasks.project_id is NOT NULL)'
          : `backfill-projects: ${out.moved} tasks moved in ${out.batches} batches, ${Math.round(out.ms)} ms`,
      );
      const idx = await ensureTaskIndexes(database.db, {
        concurrently: database.kind === 'postgres',
        onIndex: (name, ms) => console.log(`  index ${name} built in ${Math.round(ms)} ms`),
      });
      console.log(
        `backfill-projects: tasks indexes ${idx.built.length} built, ${idx.repaired.length} rebuilt (were INVALID), ${idx.inProgress.length} being built elsewhere`,
      );
      return 0;
    },
  },
  reencrypt: {
    help: 're-encrypt stored field envelopes with the first FIELD_ENCRYPTION_KEYS key (after a rotation)',
    run: async (_args, { config, database }) => {
      await runMigrations(database);
      const { scanned, reencrypted } = await reencryptIdTokens(database.db, config.fieldEncryptionKeys);
      console.log(`reencrypt: ${reencrypted} of ${scanned} encrypted values moved to the current key`);
      // Webhook signing secrets: the same cipher the API and the worker build (configured keys, then derived).
      const mailKey = mailJobKey(config.jwtSecret ?? loadOrCreateSecret(config.dataDir));
      const hooks = await reencryptWebhookSecrets(database.db, webhookCipher({ config, mailJobKey: mailKey }));
      console.log(`reencrypt: ${hooks.reencrypted} of ${hooks.scanned} webhook secrets moved to the current key`);
      return 0;
    },
  },
  seed: {
    help: '[--users 1000] [--tasks 1000000] [--heavy-user 100000] [--seed 42] [--force]  benchmark data',
    run: seedCommand,
  },
  backup: {
    help: '<file>  pg_dump custom format, or the PGlite data directory (server stopped)',
    standalone: (args, config) => backupCommand('backup', args, config),
  },
  restore: {
    help: '<file>  replace the database with a backup (pg_restore --clean, or the PGlite directory)',
    standalone: (args, config) => backupCommand('restore', args, config),
  },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.error('usage: npm run cli -- <command> [args]\n');
    for (const [n, c] of Object.entries(commands)) console.error(`  ${n.padEnd(14)} ${c.help}`);
    return name ? 2 : 0;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
  if (command.standalone) return command.standalone(args, config);
  if (!command.run) throw new Error(`command ${name} has nothing to run`);
  // Maintenance commands (migrations, a bulk seed with its index builds, re-encryption) may run for minutes:
  // without the API's per-statement time limit.
  const database = await openDatabase({ ...config, dbStatementTimeoutMs: 0 });
  try {
    return await command.run(args, { config, database });
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
