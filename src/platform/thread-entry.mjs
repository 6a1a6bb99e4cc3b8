// The entry of Bulwark's worker threads (src/platform/threads.ts). Plain JavaScript because a
// worker starts without the parent's module hooks: it registers tsx itself, then runs tasks —
// `{id, module, fn, input}` calls the named export of a TypeScript module with (input, emit) —
// and answers `{id, chunk}` for each emitted part and `{id, result}` or `{id, error}` at the end.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();

const modules = new Map();

function describe(err) {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err), data: {} };
  // Own enumerable fields (an ImportError's kind and schema errors) travel as plain data.
  const data = {};
  for (const [k, v] of Object.entries(err)) data[k] = v;
  return { name: err.name, message: err.message, stack: err.stack, data };
}

parentPort.on('message', async ({ id, module, fn, input }) => {
  try {
    let mod = modules.get(module);
    if (!mod) {
      mod = await import(module);
      modules.set(module, mod);
    }
    const task = mod[fn];
    if (typeof task !== 'function') throw new Error(`${module} exports no function ${fn}`);
    const emit = (chunk, transfer) => parentPort.postMessage({ id, chunk }, transfer ?? []);
    const result = await task(input, emit);
    parentPort.postMessage({ id, result });
  } catch (err) {
    parentPort.postMessage({ id, error: describe(err) });
  }
});
