// What an evidence file may be: constants only, importing nothing, so the console checks a file
// against the server's own list and limit before sending it (a browser-safe module).

/** Evidence files: at most this many bytes each (413 beyond), stored in the database. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
/** The media types an attachment may be sent as; it is served back as the same type, as a download. */
export const ATTACHMENT_MEDIA_TYPES = [
  'application/octet-stream',
  'application/pdf',
  'application/zip',
  'application/json',
  'text/plain',
  'text/csv',
  'image/png',
  'image/jpeg',
  'application/vnd.tcpdump.pcap',
];
