package io.onboarding.operation;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kinds of subject operations work on, by operation type: a feature registers its kind for the
 * types it launches, or as the default. An operation with no subject id (the fleet's schema rollout,
 * a cluster's drain) gets none: a null subject, no lock, its warnings only logged.
 */
public final class OperationSubjects {

    private static final Logger LOG = LoggerFactory.getLogger(OperationSubjects.class);

    /** No kind registered: nothing to load, lock or warn. */
    private static final SubjectKind NONE = new SubjectKind() {
        @Override
        public Object load(UUID subjectId) {
            return null;
        }

        @Override
        public void lockForOperation(UUID subjectId) {
        }

        @Override
        public void setWarning(UUID subjectId, String topic, String message) {
            LOG.warn("Subject {}: {}: {}", subjectId, topic, message);
        }

        @Override
        public void clearWarning(UUID subjectId, String topic) {
        }
    };

    private final Map<String, SubjectKind> byType = new ConcurrentHashMap<>();
    private volatile SubjectKind fallback = NONE;

    /** The kind of every operation type no other registration names. */
    public void registerDefault(SubjectKind kind) {
        fallback = kind;
    }

    /** The kind of these operation types' subjects. */
    public void register(SubjectKind kind, String... operationTypes) {
        for (String type : operationTypes) {
            byType.put(type, kind);
        }
    }

    /** The kind of the operation type's subject. */
    public SubjectKind of(String operationType) {
        return byType.getOrDefault(operationType, fallback);
    }

    /** The subject as it is now; null for an operation without one. */
    Object load(String operationType, UUID subjectId) {
        return subjectId == null ? null : of(operationType).load(subjectId);
    }
}
