// The notify domain's surface: the service (other domains call `notify(tx, …)` in their own
// transactions), `sendTo` (one e-mail to another domain's own recipient, not a subscription), its
// routes, and what a webhook receiver needs to check a signature.
export { type NotifyInput, NotifyService } from './service.ts';
export { notifyRoutes } from './routes.ts';
export { type Outcome, SIGNATURE_HEADER, signatureHeader, verifySignature } from './deliver.ts';
export { TargetPolicy } from './targets.ts';
