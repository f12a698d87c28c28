// The clv.fit job's fit, on a worker thread: a million customers are seconds of CPU that would
// otherwise stall this node's requests and sockets. Plain JavaScript, because a worker does not
// inherit the TypeScript loader everywhere (vitest's in-process servers have none): tsImport
// loads the models through tsx for this import only.
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { fitCustomerValue } = await tsImport('./fit-all.ts', import.meta.url);
parentPort.postMessage(fitCustomerValue(workerData));
