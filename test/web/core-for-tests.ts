/**
 * web/src/lib/core.ts re-exports the server's pure core through the Vite alias '@core', which
 * the test runner does not know: tests mock that module with this one, the same code by path.
 */
export { describeSchedule, validateSchedule } from '../../src/core/schedule.js';
export { formatDuration, parseDuration } from '../../src/core/duration.js';
export { describeRetention } from '../../src/core/retention.js';
