// Violation: the API app imports a file of the web app.
import { cn } from '../../../web/src/lib/cn';

export const systemClock = { now: () => new Date(), label: cn('clock') };

export type Clock = typeof systemClock;
