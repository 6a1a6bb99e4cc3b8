-- Why: each new report of a published observable extends its validity in public_observables, and the
-- public sweeper pushes that extension to the observable's STIX indicator in threat intelligence in
-- batches (issue 12: the indicator expired in operators' TAXII feeds while reports kept coming).
-- pushed_valid_until is the valid_until the indicator was last given (null: not known, for those
-- published before this migration: the sweeper checks the indicator itself); validity_push_failed_at
-- the last failed push, tried again later and after the others. No index on valid_until: intake
-- updates it for every report of a published observable, and an index would cost those updates
-- their heap-only path; the sweeper reads published rows through public_observables_status.
ALTER TABLE public_observables ADD COLUMN pushed_valid_until timestamptz;
ALTER TABLE public_observables ADD COLUMN validity_push_failed_at timestamptz;
