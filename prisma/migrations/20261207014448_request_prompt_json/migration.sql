-- The prompt is kept as the JSON text it was sent as: parsing it into jsonb was most of the database's CPU
-- for a large prompt's record (bench/large-inputs.mjs: 4.3-6.1 ms per 1 MB record as jsonb, 1.4-4.1 as json),
-- and nothing reads it as jsonb but the history search, which now parses what it reads. This rewrites the
-- table once, and lib/db/large-columns.ts sets the column's compression again at the next start.
-- AlterTable
ALTER TABLE "Request" ALTER COLUMN "prompt" SET DATA TYPE JSON;
