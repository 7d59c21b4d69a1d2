package io.onboarding.operation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.MDC;

/**
 * Runs one operation's steps as its {@link StepGraph} allows: each step starts as soon as every step it
 * needs has finished, at most {@code parallel} of them at once, on a pool the operations of this instance
 * share (sized so that no operation waits for another's steps). The calling thread starts steps and
 * waits for them; a step that is the only one to run at that moment it runs itself. After the first
 * step that does not finish (it failed, waits, or was handed back), nothing more is started and the
 * steps already running are let finish, never interrupted: when {@link #run} returns, no step of the
 * operation is running.
 */
final class StepScheduler {

    /** Runs one step (its {@code step:} endpoint, journaled); returns why it did not finish, or null. */
    @FunctionalInterface
    interface StepRun {
        Exception run(StepGraph.Step step);
    }

    private record Completion(String step, Exception failure) {
    }

    private final Executor pool;
    private final int parallel;

    StepScheduler(Executor pool, int parallel) {
        if (parallel < 1) {
            throw new IllegalArgumentException("onboarding.operations.parallel-steps must be at least 1, not " + parallel);
        }
        this.pool = pool;
        this.parallel = parallel;
    }

    /**
     * Runs the steps not yet {@code finished} (as the journal has them: done, skipped or warning); returns
     * why steps did not finish, in the order they ended: empty when every step finished.
     */
    List<Exception> run(StepGraph graph, Set<String> finished, StepRun step) {
        Set<String> done = new HashSet<>(finished);
        Set<String> started = new HashSet<>();
        List<Exception> failures = new ArrayList<>();
        BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
        Caller caller = Caller.now();
        int running = 0;
        boolean interrupted = false;
        try {
            while (true) {
                List<StepGraph.Step> ready = failures.isEmpty() ? ready(graph, done, started, parallel - running)
                        : List.of();
                if (running == 0 && ready.size() == 1) {
                    // Alone (a pipeline without needs, a chain): on this thread, as a sequence of steps always ran.
                    started.add(ready.get(0).name());
                    completions.add(guarded(ready.get(0), step));
                    running++;
                } else {
                    for (StepGraph.Step next : ready) {
                        started.add(next.name());
                        running++;
                        try {
                            pool.execute(() -> completions.add(caller.around(() -> guarded(next, step))));
                        } catch (RejectedExecutionException stopped) { // the pool is shut down: the service stops
                            completions.add(new Completion(next.name(), new OperationHandedBack()));
                        }
                    }
                }
                if (running == 0) {
                    break;
                }
                Completion completion;
                try {
                    completion = completions.take();
                } catch (InterruptedException e) {
                    interrupted = true; // a running step is never abandoned: its outcome is still journaled
                    continue;
                }
                running--;
                if (completion.failure() == null) {
                    done.add(completion.step());
                } else {
                    failures.add(completion.failure());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (failures.isEmpty() && !done.containsAll(graph.names())) {
            throw new IllegalStateException("pipeline " + graph.pipeline() + " stopped with steps not run: "
                    + graph.names().stream().filter(name -> !done.contains(name)).toList());
        }
        return failures;
    }

    /** Up to {@code room} steps, in the order listed, whose needs are done and that have not started. */
    private static List<StepGraph.Step> ready(StepGraph graph, Set<String> done, Set<String> started, int room) {
        List<StepGraph.Step> ready = new ArrayList<>();
        for (StepGraph.Step next : graph.steps()) {
            if (ready.size() < room && !done.contains(next.name()) && !started.contains(next.name())
                    && done.containsAll(next.needs())) {
                ready.add(next);
            }
        }
        return ready;
    }

    /** The step's outcome; whatever it throws is its failure, so the leading thread always hears of it. */
    private static Completion guarded(StepGraph.Step next, StepRun step) {
        try {
            return new Completion(next.name(), step.run(next));
        } catch (RuntimeException | Error e) {
            return new Completion(next.name(), e instanceof Exception exception ? exception : new IllegalStateException(e));
        }
    }

    /**
     * What a step on a pool thread takes from the thread leading its operation: the log context
     * (operation, tenant, request) and whether that thread answers a request ({@link RequestsFirst}).
     */
    private record Caller(Map<String, String> mdc, boolean servingARequest) {

        static Caller now() {
            return new Caller(MDC.getCopyOfContextMap(), RequestsFirst.servingOnThisThread());
        }

        Completion around(java.util.function.Supplier<Completion> work) {
            Map<String, String> before = MDC.getCopyOfContextMap();
            MDC.setContextMap(mdc == null ? Map.of() : mdc);
            try (RequestsFirst.Serving serving = servingARequest ? RequestsFirst.servingARequest() : null) {
                return work.get();
            } finally {
                MDC.setContextMap(before == null ? Map.of() : before);
            }
        }
    }
}
