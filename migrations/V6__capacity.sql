-- What each job asks of its provider, resolved at submit (the job's cpu / memory_mb, or the
-- server's default request), so that admission can add it up in SQL. Jobs from before count 0.
ALTER TABLE jobs ADD COLUMN cpu_request double precision NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN memory_mb_request bigint NOT NULL DEFAULT 0;

-- Each provider's queue, in admission order.
CREATE INDEX jobs_claimable_by_provider ON jobs (provider, priority DESC, created_at) WHERE state = 'PENDING';
-- What each provider holds now.
CREATE INDEX jobs_admitted ON jobs (provider) WHERE state IN ('ASSIGNED', 'PROVISIONING', 'RUNNING');

-- Concurrency keys: at most concurrency_limit admitted jobs per key (the limit resolved at submit:
-- an operator's setting for the key, else the job's own).
ALTER TABLE jobs ADD COLUMN concurrency_key text;
ALTER TABLE jobs ADD COLUMN concurrency_limit integer NOT NULL DEFAULT 1;
CREATE INDEX jobs_admitted_by_key ON jobs (concurrency_key)
    WHERE state IN ('ASSIGNED', 'PROVISIONING', 'RUNNING') AND concurrency_key IS NOT NULL;
CREATE INDEX jobs_unfinished_by_key ON jobs (namespace, concurrency_key)
    WHERE state IN ('PENDING', 'ASSIGNED', 'PROVISIONING', 'RUNNING') AND concurrency_key IS NOT NULL;
