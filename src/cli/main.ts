// The `parley` command line. Kept apart from program.ts so tests can import the program without running it.
import { main } from './program.ts';

await main(process.argv);
