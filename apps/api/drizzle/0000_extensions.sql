-- Extensions used by the task search indexes (trigram matching, and GIN over (user_id, ...) composites).
-- PGlite loads them as WASM extensions at start; on PostgreSQL they ship with the server's contrib package.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS btree_gin;
