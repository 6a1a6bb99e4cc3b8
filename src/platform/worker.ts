// What a background task of a domain looks like (the ledger sequencer, the exposure index
// refresher, the session sweeper): the application context starts each with the server and
// stops them, in reverse order, on close.
export interface Worker {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}
