-- Why: attachments to public reports (issue 12): at most 5 files of 5 MiB a report. Images (JPEG,
-- PNG, WebP) are stored re-encoded without their metadata (EXIF, GPS, XMP, ICC, comments); other
-- types (PDF, text, a sample) are kept only as their SHA-256 and size, never their bytes. The
-- SHA-256 of what is kept goes into the report's salted ledger commitment (a new version); staff
-- may view the stored images; no export, feed or list carries them.
CREATE TABLE public_report_attachments (
  id uuid PRIMARY KEY,
  report_id uuid NOT NULL REFERENCES public_reports (id) ON DELETE CASCADE,
  -- As stored: image/jpeg, image/png, image/webp; for a hash-only file, the type it was sent as.
  media_type text NOT NULL,
  -- The SHA-256 of the stored (re-encoded) bytes, or of the file as sent when only its hash is kept.
  sha256 bytea NOT NULL,
  size integer NOT NULL,
  -- The SHA-256 of the file as sent (for an image, before re-encoding).
  original_sha256 bytea NOT NULL,
  original_size integer NOT NULL,
  -- NULL when only the hash is kept.
  content bytea,
  width integer,
  height integer,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX public_report_attachments_report ON public_report_attachments (report_id, created_at);
