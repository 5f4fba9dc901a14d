// Violation: lib/ imports infra/ (lib/logger.ts -> infra/telemetry, one of the wrong-way imports of issue 12).
import { currentTraceId } from '../infra/telemetry/tracing';

export const logFields = () => ({ traceId: currentTraceId() });
