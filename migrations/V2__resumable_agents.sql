-- Output chunks of the current attempt stored so far, as counted by the agent: lets an agent that
-- reconnects resend only what the server does not have, and the server skip what it does.
ALTER TABLE jobs ADD COLUMN agent_chunks bigint NOT NULL DEFAULT 0;

-- Set once the job's output reached hodei.jobs.max-log-bytes: a marker chunk was stored, the rest dropped.
ALTER TABLE jobs ADD COLUMN log_truncated boolean NOT NULL DEFAULT false;
