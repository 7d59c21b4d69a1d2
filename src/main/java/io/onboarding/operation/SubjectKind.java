package io.onboarding.operation;

import java.util.UUID;

/**
 * What the engine needs of the kind of thing an operation works on (a tenant, a cluster, a user…),
 * registered with {@link OperationSubjects} by the feature that owns it. The engine itself knows
 * subjects only by id.
 */
public interface SubjectKind {

    /** The subject as it is now, handed to each step in its {@link StepContext}. */
    Object load(UUID subjectId);

    /**
     * Locks the subject in the caller's control-plane transaction, so that launching an operation on
     * it and checking that none runs yet is atomic across instances.
     */
    void lockForOperation(UUID subjectId);

    /** A warning on the subject under a topic, as a {@code step-warns} step leaves it when it fails. */
    void setWarning(UUID subjectId, String topic, String message);

    /** The warning under the topic cleared again, once its step succeeds. */
    void clearWarning(UUID subjectId, String topic);
}
