package io.onboarding.backup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CronSchedulesTest {

    @Test
    void standardFiveFieldCronBecomesQuartz() {
        assertThat(CronSchedules.toQuartz("0 3 * * *")).contains("0 0 3 * * ?");
        assertThat(CronSchedules.toQuartz("*/15 * * * *")).contains("0 */15 * * * ?");
        // Sunday is 0 (or 7) in cron and 1 in Quartz.
        assertThat(CronSchedules.toQuartz("30 2 * * 0")).contains("0 30 2 ? * 1");
        assertThat(CronSchedules.toQuartz("30 2 * * 1-5")).contains("0 30 2 ? * 2-6");
        assertThat(CronSchedules.toQuartz("0 4 * * 7")).contains("0 0 4 ? * 1");
        assertThat(CronSchedules.toQuartz("0 4 1 * *")).contains("0 0 4 1 * ?");
    }

    @Test
    void quartzExpressionsPassThrough() {
        assertThat(CronSchedules.toQuartz("0/5 * * * * ?")).contains("0/5 * * * * ?");
        assertThat(CronSchedules.toQuartz("0 0 12 ? * WED 2030")).contains("0 0 12 ? * WED 2030");
    }

    @Test
    void nonsenseIsRefused() {
        assertThat(CronSchedules.toQuartz("every day")).isEmpty();
        assertThat(CronSchedules.toQuartz("61 * * * *")).isEmpty();
        assertThat(CronSchedules.toQuartz("0 3 1 * 1")).as("day of month and of week together").isEmpty();
        assertThat(CronSchedules.toQuartz("0 3 * * 9")).isEmpty();
        assertThat(CronSchedules.toQuartz(null)).isEmpty();
    }
}
