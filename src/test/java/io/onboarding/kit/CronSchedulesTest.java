package io.onboarding.kit;

import static org.assertj.core.api.Assertions.assertThat;

import io.onboarding.support.QuickTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@QuickTest
class CronSchedulesTest {

    private static final Duration HOUR = Duration.ofHours(1);

    @Test
    void standardFiveFieldCronBecomesQuartz() {
        assertThat(CronSchedules.toQuartz("0 3 * * *")).contains("0 0 3 * * ?");
        assertThat(CronSchedules.toQuartz("*/15 * * * *")).contains("0 */15 * * * ?");
        // Sunday is 0 (or 7) in cron and 1 in Quartz.
        assertThat(CronSchedules.toQuartz("30 2 * * 0")).contains("0 30 2 ? * 1");
        assertThat(CronSchedules.toQuartz("30 2 * * 1-5")).contains("0 30 2 ? * 2-6");
        assertThat(CronSchedules.toQuartz("0 4 * * 7")).contains("0 0 4 ? * 1");
        assertThat(CronSchedules.toQuartz("0 4 1 * *")).contains("0 0 4 1 * ?");
        assertThat(CronSchedules.toQuartz("0 4 * * 5-7")).as("Friday to Sunday").contains("0 0 4 ? * 6,7,1");
        assertThat(CronSchedules.toQuartz("0 4 * * 0-7")).as("every day, Sunday once").contains("0 0 4 ? * 1,2,3,4,5,6,7");
        assertThat(CronSchedules.toQuartz("0 4 * * 0-7/2")).contains("0 0 4 ? * 1,3,5,7");
        assertThat(CronSchedules.toQuartz("0 4 * * 5#3")).contains("0 0 4 ? * 6#3");
        assertThat(CronSchedules.toQuartz("0 4 * * mon-fri")).contains("0 0 4 ? * MON-FRI");
    }

    @Test
    void quartzExpressionsPassThrough() {
        assertThat(CronSchedules.toQuartz("0/5 * * * * ?")).contains("0/5 * * * * ?");
        assertThat(CronSchedules.toQuartz("0 0 12 ? * WED 2030")).contains("0 0 12 ? * WED 2030");
        assertThat(CronSchedules.toQuartz("0 0 3 L * ?")).contains("0 0 3 L * ?");
        assertThat(CronSchedules.toQuartz("0 0 3 15W * ?")).contains("0 0 3 15W * ?");
        assertThat(CronSchedules.toQuartz("0 0 3 ? * 6L")).contains("0 0 3 ? * 6L");
        assertThat(CronSchedules.toQuartz("0 0 3 ? JAN,JUL MON#1")).contains("0 0 3 ? JAN,JUL MON#1");
    }

    @Test
    void nonsenseIsRefused() {
        assertThat(CronSchedules.toQuartz("every day")).isEmpty();
        assertThat(CronSchedules.toQuartz("61 * * * *")).isEmpty();
        assertThat(CronSchedules.toQuartz("0 3 1 * 1")).as("day of month and of week together").isEmpty();
        assertThat(CronSchedules.toQuartz("0 3 * * 9")).isEmpty();
        assertThat(CronSchedules.toQuartz(null)).isEmpty();
    }

    @Test
    void trailingCharactersAndUriSyntaxAreRefused() {
        // Quartz's own parser accepts all of these: it stops reading once it has what it needs.
        assertThat(CronSchedules.toQuartz("0 0 3 ? * MON&leak={{env:HOME}}")).isEmpty();
        assertThat(CronSchedules.toQuartz("0 0 3 ? * MON&x")).isEmpty();
        assertThat(CronSchedules.toQuartz("0 0 3 ? * MONDAY")).isEmpty();
        assertThat(CronSchedules.toQuartz("0 0 3 ? * MON{{sys:user.home}}")).isEmpty();
        assertThat(CronSchedules.toQuartz("0 0 3 * * ?x")).isEmpty();
        assertThat(CronSchedules.toQuartz("0 0 3 * * ? 2030x")).isEmpty();
        assertThat(CronSchedules.toQuartz("0 3 * * *?")).isEmpty();
        assertThat(CronSchedules.toQuartz("0 3 * * * extra fields here")).isEmpty();
        assertThat(CronSchedules.toQuartz("0 3 * * 1%26a")).isEmpty();
        assertThat(CronSchedules.toQuartz("0 3 * *\n*")).isEmpty();
    }

    @Test
    void eachFieldTakesOnlyItsOwnCharactersAndRange() {
        assertThat(CronSchedules.toQuartz("0 0 3 ? * L")).as("L alone in day of week").isPresent();
        assertThat(CronSchedules.toQuartz("0 0 3 L-2 * ?")).isPresent();
        assertThat(CronSchedules.toQuartz("0 0 3 LW * ?")).isPresent();
        assertThat(CronSchedules.toQuartz("0 0 3 ? * 2#6")).as("no sixth Monday").isEmpty();
        assertThat(CronSchedules.toQuartz("0 0 L * * ?")).as("L only in the day fields").isEmpty();
        assertThat(CronSchedules.toQuartz("0 0 3 ? * 2W")).as("W only in day of month").isEmpty();
        assertThat(CronSchedules.toQuartz("0 0 3 1#2 * ?")).as("# only in day of week").isEmpty();
        assertThat(CronSchedules.toQuartz("0 ? 3 * * ?")).as("? only in the day fields").isEmpty();
        assertThat(CronSchedules.toQuartz("0 0 3 32 * ?")).isEmpty();
        assertThat(CronSchedules.toQuartz("0 0 24 * * ?")).isEmpty();
        assertThat(CronSchedules.toQuartz("60 0 3 * * ?")).isEmpty();
        assertThat(CronSchedules.toQuartz("0 0 3 * 13 ?")).isEmpty();
        assertThat(CronSchedules.toQuartz("0 0 3 ? * 8")).isEmpty();
        assertThat(CronSchedules.toQuartz("0 0 3 * * ? 1969")).isEmpty();
        assertThat(CronSchedules.toQuartz("0 0 3 * MON ?")).as("day names are not months").isEmpty();
        assertThat(CronSchedules.toQuartz("0 0 5-3 * * ?")).as("backwards range").isEmpty();
        assertThat(CronSchedules.toQuartz("0 0 3 ? * 1-FRI")).as("number and name mixed").isEmpty();
        assertThat(CronSchedules.toQuartz("0 0/0 3 * * ?")).as("zero step").isEmpty();
        assertThat(CronSchedules.toQuartz("0 0 1,,3 * * ?")).isEmpty();
        assertThat(CronSchedules.toQuartz("0 0 3, * * ?")).isEmpty();
        assertThat(CronSchedules.toQuartz("0 0 3 * * *")).as("Quartz needs ? in one day field").isEmpty();
        assertThat(CronSchedules.toQuartz("0 0 3 * * ? 2020")).as("never runs again").isEmpty();
    }

    @Test
    void problemsNameTheCronFieldButNeverQuoteTheInput() {
        String problem = CronSchedules.check("0 0 3 ? * MON&leak={{env:HOME}}", HOUR).problem();
        assertThat(problem).contains("field 6").contains("day of week").doesNotContain("leak").doesNotContain("{{");
        assertThat(CronSchedules.check("x".repeat(500), HOUR).problem()).doesNotContain("xx");
    }

    @Test
    void schedulesRunningMoreOftenThanTheMinimumIntervalAreRefused() {
        assertThat(CronSchedules.check("* * * * *", HOUR).problem()).contains("minimum interval");
        assertThat(CronSchedules.check("0/2 * * * * ?", HOUR).problem()).contains("minimum interval");
        assertThat(CronSchedules.check("*/30 * * * *", HOUR).problem()).contains("minimum interval");
        // Hourly except twice in a row at one moment of the year.
        assertThat(CronSchedules.check("0 0,30 3 1 JAN ?", HOUR).problem()).contains("minimum interval");
        assertThat(CronSchedules.check("0 * * * *", HOUR).problem()).isNull();
        assertThat(CronSchedules.check("0 3 * * *", HOUR).problem()).isNull();
        assertThat(CronSchedules.check("0 */6 * * *", HOUR).problem()).isNull();
        assertThat(CronSchedules.check("0/2 * * * * ?", Duration.ofSeconds(1)).quartz()).contains("0/2 * * * * ?");
    }
}
