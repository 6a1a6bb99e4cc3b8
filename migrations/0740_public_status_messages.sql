-- Why: status messages to a public reporter's optional contact (issue 12). Each report keeps the
-- last timeline event (seq) its contact was told about; the portal's worker mails the decisions
-- and closure after it. Reports with a contact at upgrade count as told, so no backlog is mailed.
ALTER TABLE public_reports ADD COLUMN contact_told_seq bigint NOT NULL DEFAULT 0;
UPDATE public_reports r
   SET contact_told_seq = coalesce((SELECT max(e.seq) FROM public_report_events e WHERE e.report_id = r.id), 0)
 WHERE r.contact_ciphertext IS NOT NULL;
