-- A job may bound its time in PENDING; past it, it fails with QUEUE_TIMEOUT.
ALTER TABLE jobs ADD COLUMN queue_deadline timestamptz;
CREATE INDEX jobs_queue_deadline ON jobs (queue_deadline) WHERE state = 'PENDING' AND queue_deadline IS NOT NULL;
