package io.onboarding.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.onboarding.support.QuickTest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A step gives way to requests in flight, until they are answered, never longer than the bound. */
@QuickTest
class RequestsFirstTest {

    private static CompletableFuture<Long> stepWaiting(RequestsFirst gate) {
        return CompletableFuture.supplyAsync(() -> {
            long started = System.nanoTime();
            try {
                gate.giveWay();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        });
    }

    @Test
    void aStepGoesOnAtOnceWhenNoRequestIsInFlight() throws Exception {
        RequestsFirst gate = new RequestsFirst(60_000);
        gate.requestStarted();
        gate.requestEnded();
        assertThat(stepWaiting(gate).get(30, TimeUnit.SECONDS)).isLessThan(60_000);
    }

    @Test
    void aStepWaitsUntilEveryRequestInFlightIsAnswered() throws Exception {
        RequestsFirst gate = new RequestsFirst(600_000);
        gate.requestStarted();
        gate.requestStarted();
        CompletableFuture<Long> step = stepWaiting(gate);
        gate.requestEnded();
        // One request still in flight: the step still waits (it may not have started waiting yet either).
        assertThat(step).isNotDone();
        gate.requestEnded();
        await().atMost(Duration.ofSeconds(30)).until(step::isDone);
        assertThat(step.get()).isLessThan(600_000);
    }

    @Test
    void aStepWaitsNoLongerThanTheBoundUnderSteadyTraffic() throws Exception {
        RequestsFirst gate = new RequestsFirst(300);
        gate.requestStarted(); // never answered
        assertThat(stepWaiting(gate).get(30, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(300);
    }

    @Test
    void offNeverWaits() throws Exception {
        RequestsFirst.OFF.requestStarted();
        try {
            assertThat(stepWaiting(RequestsFirst.OFF).get(30, TimeUnit.SECONDS)).isLessThan(30_000);
        } finally {
            RequestsFirst.OFF.requestEnded();
        }
    }
}
