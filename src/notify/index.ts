// The notify domain's surface: the service (other domains call `notify(tx, …)` in their own
// transactions), its routes, and what a webhook receiver needs to check a signature.
export { type NotifyInput, NotifyService } from './service.ts';
export { notifyRoutes } from './routes.ts';
export { SIGNATURE_HEADER, signatureHeader, verifySignature } from './deliver.ts';
export { TargetPolicy } from './targets.ts';
