package io.onboarding.operation;

import io.onboarding.tenant.TenantRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Recording stand-ins for the beans the step YAML calls ({@code bean:NAME?method=M}): every call is
 * logged as {@code NAME.M}, and a test can script what a call does (throw, return an outcome).
 */
final class StubSteps {

    /** What the n-th call (from 1) of a stubbed method does: return an outcome, or throw. */
    @FunctionalInterface
    interface Answer {
        StepOutcome answer(int call) throws Exception;
    }

    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final AtomicInteger atOnce = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();
    /** Tenant warnings by tenant, then topic, as StepWarnings sets them. */
    final Map<UUID, Map<String, String>> warnings = new ConcurrentHashMap<>();

    void answer(String call, Answer answer) {
        answers.put(call, answer);
    }

    /** Fails every call of {@code NAME.M} with the exception. */
    void fail(String call, Exception failure) {
        answer(call, n -> {
            throw failure;
        });
    }

    List<String> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    long count(String call) {
        return calls().stream().filter(call::equals).count();
    }

    void clear() {
        calls.clear();
    }

    /** The most calls that were in progress at once (steps running side by side). */
    int mostAtOnce() {
        return mostAtOnce.get();
    }

    StepOutcome hit(String call) throws Exception {
        calls.add(call);
        mostAtOnce.accumulateAndGet(atOnce.incrementAndGet(), Math::max);
        try {
            Answer answer = answers.get(call);
            return answer == null ? StepOutcome.done() : answer.answer((int) count(call));
        } finally {
            atOnce.decrementAndGet();
        }
    }

    Bean bean(String name) {
        return new Bean(name);
    }

    /** Subjects loaded by {@code load}, their warnings kept here. */
    SubjectKind subjects(java.util.function.Function<UUID, Object> load) {
        return new SubjectKind() {
            @Override
            public Object load(UUID subjectId) {
                return load.apply(subjectId);
            }

            @Override
            public void lockForOperation(UUID subjectId) {
            }

            @Override
            public void setWarning(UUID tenantId, String topic, String message) {
                warnings.computeIfAbsent(tenantId, id -> new ConcurrentHashMap<>()).put(topic, message);
            }

            @Override
            public void clearWarning(UUID tenantId, String topic) {
                warnings.getOrDefault(tenantId, new ConcurrentHashMap<>()).remove(topic);
            }
        };
    }

    /** One stand-in, bound under a bean name; it has every method name the step YAML uses. */
    public final class Bean {
        private final String name;

        Bean(String name) {
            this.name = name;
        }

        private StepOutcome hit(String method) throws Exception {
            return StubSteps.this.hit(name + "." + method);
        }

        // provisioning
        public StepOutcome await(StepContext context) throws Exception { return hit("await"); }
        public StepOutcome create(StepContext context) throws Exception { return hit("create"); }
        public StepOutcome createOrClaim(StepContext context) throws Exception { return hit("createOrClaim"); }
        public StepOutcome drop(StepContext context) throws Exception { return hit("drop"); }
        public StepOutcome migrate(StepContext context) throws Exception { return hit("migrate"); }
        public StepOutcome grant(StepContext context) throws Exception { return hit("grant"); }
        public StepOutcome store(StepContext context) throws Exception { return hit("store"); }
        public StepOutcome delete(StepContext context) throws Exception { return hit("delete"); }
        public StepOutcome activate(StepContext context) throws Exception { return hit("activate"); }
        /** Void, as the real outcome beans are: the body (the StepContext) goes on to the next bean. */
        public void markFailed(StepContext context) throws Exception { hit("markFailed"); }
        public StepOutcome configure(StepContext context) throws Exception { return hit("configure"); }
        public StepOutcome remove(StepContext context) throws Exception { return hit("remove"); }
        public StepOutcome schedule(StepContext context) throws Exception { return hit("schedule"); }
        public StepOutcome unschedule(StepContext context) throws Exception { return hit("unschedule"); }
        public StepOutcome removeTenantAdmin(StepContext context) throws Exception { return hit("removeTenantAdmin"); }
        public StepOutcome enable(StepContext context) throws Exception { return hit("enable"); }
        public StepOutcome provision(StepContext context) throws Exception { return hit("provision"); }
        public StepOutcome release(StepContext context) throws Exception { return hit("release"); }
        public void discardStaged(StepContext context) throws Exception { hit("discardStaged"); }

        /** Takes the TenantRecord, as the real one does: exercises StepContextConverters. */
        public StepOutcome inviteTenantAdmin(TenantRecord tenant) throws Exception {
            StepOutcome scripted = hit("inviteTenantAdmin");
            return tenant.adminEmail() == null ? StepOutcome.skipped("no admin_email") : scripted;
        }

        /** Takes the tenant id, as TenantEvents does ({@code publish('event', ${body})}). */
        public void publish(String event, UUID tenantId) throws Exception {
            hit("publish(" + event + ")");
        }

        // invite-user
        public StepOutcome prepare(StepContext context) throws Exception { return hit("prepare"); }
        public StepOutcome discard(StepContext context) throws Exception { return hit("discard"); }
        public StepOutcome record(StepContext context) throws Exception { return hit("record"); }
        public StepOutcome forget(StepContext context) throws Exception { return hit("forget"); }

        // update, suspend/resume, destroy
        public StepOutcome applyConnectionLimit(StepContext context) throws Exception { return hit("applyConnectionLimit"); }
        public StepOutcome revertChange(StepContext context) throws Exception { return hit("revertChange"); }
        public StepOutcome open(StepContext context) throws Exception { return hit("open"); }
        public StepOutcome close(StepContext context) throws Exception { return hit("close"); }
        public StepOutcome suspended(StepContext context) throws Exception { return hit("suspended"); }
        public StepOutcome resumed(StepContext context) throws Exception { return hit("resumed"); }
        public StepOutcome finalBackup(StepContext context) throws Exception { return hit("finalBackup"); }
        public StepOutcome discardDump(StepContext context) throws Exception { return hit("discardDump"); }
        public StepOutcome removeAll(StepContext context) throws Exception { return hit("removeAll"); }
        public StepOutcome dropAll(StepContext context) throws Exception { return hit("dropAll"); }
        public StepOutcome destroyTenantKey(StepContext context) throws Exception { return hit("destroyTenantKey"); }
        public StepOutcome destroyed(StepContext context) throws Exception { return hit("destroyed"); }
        public void destroyFailed(StepContext context) throws Exception { hit("destroyFailed"); }
        public StepOutcome retire(StepContext context) throws Exception { return hit("retire"); }
    }
}
