package io.onboarding.operation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The scheduler on its own, with steps that are plain functions and a pool the test drives, so what
 * happens after a failure is fixed by the test, not by how threads happen to be scheduled.
 */
class StepSchedulerTest {

    /**
     * {@code first}, then {@code slow} and {@code failing} beside each other, {@code afterSlow} needing
     * {@code slow}: listed as a pipeline would list them.
     */
    private static final StepGraph GRAPH = StepGraph.of("test-tenant", List.of("step:first", "step:slow?needs=first",
            "step:failing?needs=first", "step:after-slow?needs=slow"));

    private final List<String> ran = new CopyOnWriteArrayList<>();
    private final Map<String, String> ended = new ConcurrentHashMap<>();

    @Test
    void afterAFailureTheStepsRunningFinishAndNothingElseStarts() {
        CountDownLatch failureReported = new CountDownLatch(1);
        // The first step runs alone, on the leading thread; slow and failing go to the pool, in the order
        // listed. The failing step runs inside the pool's execute, on the leading thread, so its failure is
        // reported (queued) before the slow step, already running on its own thread, is let finish: the slow
        // step's success then frees a step that needs it, which must not start.
        AtomicInteger pooled = new AtomicInteger();
        Executor pool = task -> {
            if (pooled.incrementAndGet() == 2) {
                task.run();
                failureReported.countDown();
            } else {
                new Thread(task, "test-step").start();
            }
        };
        List<Exception> failures = new StepScheduler(pool, 4).run(GRAPH, Set.of(), step -> {
            ran.add(step.name());
            try {
                if (step.name().equals("failing")) {
                    return new IllegalStateException("failed");
                }
                if (step.name().equals("slow") && !failureReported.await(30, TimeUnit.SECONDS)) {
                    return new IllegalStateException("the failure was never reported");
                }
            } catch (InterruptedException e) {
                return e;
            } finally {
                ended.put(step.name(), Thread.currentThread().getName());
            }
            return null;
        });

        assertThat(failures).extracting(Exception::getMessage).containsExactly("failed");
        assertThat(ran).containsExactlyInAnyOrder("first", "slow", "failing");
        assertThat(ended).containsOnlyKeys("first", "slow", "failing"); // the slow step was let finish
    }

    @Test
    void stepsTheJournalHasAsFinishedAreNotRunAgainAndTheirDependentsStart() {
        Executor inline = Runnable::run;

        List<Exception> failures = new StepScheduler(inline, 2).run(GRAPH, Set.of("first", "slow"), step -> {
            ran.add(step.name());
            return null;
        });

        assertThat(failures).isEmpty();
        assertThat(ran).containsExactlyInAnyOrder("failing", "after-slow");
    }

    @Test
    void withOneStepAtATimeTheStepsRunInTheOrderListed() {
        Executor inline = Runnable::run;

        new StepScheduler(inline, 1).run(GRAPH, Set.of(), step -> {
            ran.add(step.name());
            return null;
        });

        assertThat(ran).containsExactly("first", "slow", "failing", "after-slow");
    }

    @Test
    void aStepThatIsTheOnlyOneToRunRunsOnTheLeadingThreadAndOthersOnThePool() {
        Map<String, String> threads = new ConcurrentHashMap<>();
        Executor pool = task -> new Thread(task, "test-step").start();

        new StepScheduler(pool, 4).run(GRAPH, Set.of(), step -> {
            threads.put(step.name(), Thread.currentThread().getName());
            return null;
        });

        String leading = Thread.currentThread().getName();
        assertThat(threads).containsEntry("first", leading).containsEntry("slow", "test-step")
                .containsEntry("failing", "test-step");
    }

    @Test
    void withoutNeedsEachStepNeedsTheOneListedBeforeIt() {
        StepGraph sequential = StepGraph.of("test-tenant", List.of("step:a", "step:b", "step:c?needs=a"));

        assertThat(sequential.steps()).extracting(StepGraph.Step::needs)
                .containsExactly(Set.of(), Set.of("a"), Set.of("a"));
        assertThat(sequential.names()).containsExactly("a", "b", "c");
    }
}
