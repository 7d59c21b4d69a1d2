package io.onboarding.operation;

import java.util.Map;
import java.util.UUID;

/**
 * Everything a step gets: the operation it belongs to, its subject (the thing it works on, as the
 * subject's feature loads it when the step starts: {@link SubjectKind}) and the operation's
 * parameters (e.g. restore's {@code backup_id}). It is the body the engine hands a step's endpoint;
 * a step method may take it whole, or only the subject or the subject's id it needs (converted
 * from it: {@link StepContextConverters}, and converters the subject's feature registers).
 */
public record StepContext(UUID operationId, String operationType, UUID subjectId, Object subject,
                          Map<String, String> parameters) {

    public StepContext {
        parameters = Map.copyOf(parameters);
    }

    /** The subject as its feature's type; failing if it is not one is a bug in the pipeline, not input. */
    public <T> T subject(Class<T> type) {
        if (!type.isInstance(subject)) {
            throw new IllegalStateException("operation " + operationId + " (" + operationType + ") works on "
                    + (subject == null ? "no subject" : subject.getClass().getSimpleName()) + ", not on a "
                    + type.getSimpleName());
        }
        return type.cast(subject);
    }

    /** A parameter the operation was launched with; failing if it is missing is a bug, not input. */
    public String parameter(String name) {
        String value = parameters.get(name);
        if (value == null) {
            throw new IllegalStateException("operation " + operationId + " has no parameter " + name);
        }
        return value;
    }

    /** A parameter that is a UUID (a backup's, a user's id). */
    public UUID uuidParameter(String name) {
        return UUID.fromString(parameter(name));
    }

    public boolean flag(String name) {
        return Boolean.parseBoolean(parameters.get(name));
    }
}
