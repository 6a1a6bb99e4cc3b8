// The composition root's surface for the command line (src/cli): the application context with
// its services and workers, and the HTTP app built on it.
export { type AppContext, createContext, startWorkers } from './context.ts';
export { buildApp, CONSOLE_DIR, type Serving, serveInStages } from './server.ts';
export { type DemoSeeder, type DemoSeedInput, seedDemo } from './demo.ts';
