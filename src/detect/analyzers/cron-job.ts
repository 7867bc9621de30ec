import { knownTimeZone, parseCronSchedule } from '../../kube/cron.js';
import type { Analyzer } from '../analyzer.js';

/**
 * A CronJob that can never run: its schedule does not parse, or its time zone is unknown. Suspension is a
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
