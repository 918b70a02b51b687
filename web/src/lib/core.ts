/**
 * The web UI's one door to the server's pure core (src/core, through the Vite alias '@core'):
 * schedules, durations and retention read and validated exactly as the server does.
 */
export { describeSchedule, validateSchedule } from '@core/schedule';
export { formatDuration, parseDuration } from '@core/duration';
export { describeRetention } from '@core/retention';
