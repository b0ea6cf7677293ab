// Starts a render worker from source (tsx registered in the worker first); compiled builds start
// render-worker.js directly (render-pool.ts).
import { register } from 'tsx/esm/api';

register();
await import('./render-worker.ts');
