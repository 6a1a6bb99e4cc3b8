-- Why: operators' post-backs on indicators promoted from public reports (issue 12) are committed
-- to the ledger as kind public.indicator-action, id '<indicator>/<organization>'; each new
-- post-back of an operator on an indicator is the next version of that record.
ALTER TABLE public_indicator_actions ADD COLUMN version integer NOT NULL DEFAULT 1;
