package io.onboarding.operation;

/**
 * The log context (MDC) keys set while an operation runs on a worker thread: every line logged
 * meanwhile, by a step or by the engine, carries them (src/main/resources/log4j2.xml writes them in
 * text, and as fields with LOG_FORMAT=json).
 */
public final class OperationLog {

    public static final String OPERATION_ID = "operation_id";
    public static final String TENANT_ID = "tenant_id";

    private OperationLog() {
    }
}
