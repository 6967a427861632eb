/** `parley demo`: the whole loop on embedded servers, with a printed summary. */
export { runDemo } from './run-demo.ts';
