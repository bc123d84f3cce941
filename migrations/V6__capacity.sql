-- What each job asks of its provider, resolved at submit (the job's cpu / memory_mb, or the
-- server's default request), so that admission can add it up in SQL. Jobs from before count 0.
ALTER TABLE jobs ADD COLUMN cpu_request double precision NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN memory_mb_request bigint NOT NULL DEFAULT 0;

-- Each provider's queue, in admission order.
CREATE INDEX jobs_claimable_by_provider ON jobs (provider, priority DESC, created_at) WHERE state = 'PENDING';
-- What each provider holds now.
CREATE INDEX jobs_admitted ON jobs (provider) WHERE state IN ('ASSIGNED', 'PROVISIONING', 'RUNNING');
