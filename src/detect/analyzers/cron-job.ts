import { knownTimeZone, parseCronSchedule } from '../../kube/cron.js';
import type { Analyzer } from '../analyzer.js';

/**
 * A CronJob that can never run: its schedule does not parse or matches no date, or its time zone is unknown. Suspension is a
 * person's decision, not a failure; failed runs are reported on the Jobs (grouped onto this CronJob).
 */
export const cronJobAnalyzer: Analyzer<'CronJob'> = {
  name: 'CronJob',
  kind: 'CronJob',
  analyze(cron) {
    if (cron.spec?.suspend) return [];
    const schedule = cron.spec?.schedule ?? '';
    const parsed = parseCronSchedule(schedule);
    const eventReasons = ['UnparseableSchedule', 'InvalidSchedule', 'InvalidTimeZone'];
    if (!parsed.ok) {
      return [
        {
          failureClass: 'CronJobInvalidSchedule',
          severity: 'high',
          reason: 'InvalidSchedule',
          summary: `schedule "${schedule}" is invalid: ${parsed.message}; the CronJob never runs`,
          details: { schedule, error: parsed.message },
          eventReasons,
        },
      ];
    }
    const tz = cron.spec?.timeZone;
    // A schedule can parse and still name a date that never comes (`0 23 30 2 *`, February 30th): the
    // apiserver accepts it and the controller only complains with an InvalidSchedule event.
    if ((tz === undefined || knownTimeZone(tz)) && parsed.schedule.next(new Date()) === undefined) {
      return [
        {
          failureClass: 'CronJobInvalidSchedule',
          severity: 'high',
          reason: 'InvalidSchedule',
          summary: `schedule "${schedule}" never fires: no date matches it; the CronJob never runs`,
          details: { schedule, error: 'no time matches the schedule' },
          eventReasons,
        },
      ];
    }
    if (tz !== undefined && !knownTimeZone(tz)) {
      return [
        {
          failureClass: 'CronJobInvalidSchedule',
          severity: 'high',
          reason: 'InvalidTimeZone',
          summary: `time zone "${tz}" is unknown; the CronJob never runs`,
          details: { schedule, timeZone: tz },
          eventReasons,
        },
      ];
    }
    return [];
  },
};
