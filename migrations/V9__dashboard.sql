-- The dashboard lists a template's runs newest first, paged like every job list.
CREATE INDEX jobs_template_created ON jobs (template_name, created_at DESC, id DESC) WHERE template_name IS NOT NULL;
