/** The people who answer tasks: accounts, passwords, who is on duty. */
export type { RepDoc } from '../db/index.ts';
export { addRep, verifyRepLogin, setOnDuty, getRep, listReps, type RepInput } from './reps.ts';
export { hashPassword, verifyPassword, needsRehash, MIN_PASSWORD_LENGTH } from './password.ts';
export { LoginThrottle, loginDelayMs, newDeviceToken, LOGIN_FREE_FAILURES, LOGIN_MAX_DELAY_MS, type LoginTurn } from './login-throttle.ts';
export { removeRep, resetRepPassword, oneTimePassword } from './manage.ts';
