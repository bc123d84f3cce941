-- Warm pools: workers started before any job, each waiting (READY, job_id NULL) to take one job.
-- pool: the pool that made it (hodei.pools.<name>); cpu, memory_mb, image: what it was started
-- with, which a job must fit to take it; namespace: the only namespace whose jobs may take it
-- (NULL: any); taken_at: when a job last took it (the pool's recent demand); jobs_taken: how many
-- jobs it was given (a reusable pool's worker runs several in turn); idle_since: when a reusable
-- worker went back to its pool after its last job.
ALTER TABLE workers ADD COLUMN pool text;
ALTER TABLE workers ADD COLUMN namespace text;
ALTER TABLE workers ADD COLUMN jobs_taken int NOT NULL DEFAULT 0;
ALTER TABLE workers ADD COLUMN idle_since timestamptz;
ALTER TABLE workers ADD COLUMN cpu double precision;
ALTER TABLE workers ADD COLUMN memory_mb bigint;
ALTER TABLE workers ADD COLUMN image text;
ALTER TABLE workers ADD COLUMN taken_at timestamptz;
CREATE INDEX workers_idle_in_pool ON workers (pool) WHERE job_id IS NULL AND destroyed_at IS NULL;
CREATE INDEX workers_taken_from_pool ON workers (pool, taken_at) WHERE pool IS NOT NULL;

-- A warm worker's one-time token is bound to the worker alone: no job exists yet.
ALTER TABLE worker_bootstrap_tokens ALTER COLUMN job_id DROP NOT NULL;

-- The image a job named ('' = its provider's default), so that admission can tell which jobs a
-- warm worker fits without opening the spec.
ALTER TABLE jobs ADD COLUMN image text NOT NULL DEFAULT '';
