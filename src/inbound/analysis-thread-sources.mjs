// An analysis thread started from the sources (tsx, tests): tsx's loader is registered in this
// thread before the TypeScript entry is imported. Node 20 can start loading a worker's entry
// before an `--import tsx` given in its execArgv has registered, and then fails on ".ts".
import { register } from 'tsx/esm/api';

register();
const thread = await import('./analysis-thread.ts');
export default thread.default;
