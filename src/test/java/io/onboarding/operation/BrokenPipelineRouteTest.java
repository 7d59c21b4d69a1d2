package io.onboarding.operation;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onboarding.support.QuickTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The start-up check ({@link OperationPipelines#verify()}): each broken pipeline under
 * src/test/resources/broken-routes/ is loaded with the real step templates and must stop the
 * service with a message naming the pipeline, the step and what is wrong.
 */
@QuickTest
class BrokenPipelineRouteTest {

    @Nested
    class StepNotDeclared extends BrokenPipeline {
        @Override
        String file() {
            return "missing-step.yaml";
        }

        @Test
        void isRefused() {
            assertRefused("pipeline broken-tenant, step no-such-step: no step declared: add a templatedRoute of"
                    + " [step, step-warns] with name no-such-step");
        }
    }

    @Nested
    class UndoBeanMissing extends BrokenPipeline {
        @Override
        String file() {
            return "missing-undo-bean.yaml";
        }

        @Test
        void isRefused() {
            assertRefused("pipeline broken-tenant, step create-tenant-roles: undo"
                    + " bean:tenantRoleUnprovisioner?method=drop: no bean tenantRoleUnprovisioner");
        }
    }

    @Nested
    class UndoMethodMissing extends BrokenPipeline {
        @Override
        String file() {
            return "missing-undo-method.yaml";
        }

        @Test
        void isRefused() {
            assertRefused("pipeline broken-tenant, step create-tenant-roles: undo"
                    + " bean:tenantRoleProvisioner?method=vanish: bean tenantRoleProvisioner has no method vanish");
        }
    }

    @Nested
    class UndoRouteMissing extends BrokenPipeline {
        @Override
        String file() {
            return "missing-undo-route.yaml";
        }

        @Test
        void isRefused() {
            assertRefused("pipeline broken-tenant, step create-tenant-roles: undo direct:revert-roles:"
                    + " no route consumes it");
        }
    }

    @Nested
    class NeedsALaterStep extends BrokenPipeline {
        @Override
        String file() {
            return "needs-later-step.yaml";
        }

        @Test
        void isRefusedAsEveryCycleIs() {
            assertRefused("pipeline broken-tenant, step create-tenant-roles: needs create-tenant-database, which is"
                    + " not a step listed before it in this pipeline (needs name earlier steps only, so there can"
                    + " be no cycle)");
        }
    }

    @Nested
    class NeedsAStepNotListed extends BrokenPipeline {
        @Override
        String file() {
            return "needs-unknown-step.yaml";
        }

        @Test
        void isRefused() {
            assertRefused("pipeline broken-tenant, step create-tenant-database: needs create-tenant-role, which is"
                    + " not a step listed before it in this pipeline (needs name earlier steps only, so there can"
                    + " be no cycle)");
        }
    }

    @Nested
    class StepListedTwice extends BrokenPipeline {
        @Override
        String file() {
            return "listed-twice.yaml";
        }

        @Test
        void isRefused() {
            assertRefused("pipeline broken-tenant, step create-tenant-roles: listed twice");
        }
    }

    @Nested
    class SomethingOtherThanAStep extends BrokenPipeline {
        @Override
        String file() {
            return "not-a-step.yaml";
        }

        @Test
        void isRefused() {
            assertRefused("pipeline broken-tenant: log[roles made] is not a step; a pipeline lists steps only");
        }
    }

    abstract static class BrokenPipeline extends StepEngineTestSupport {

        abstract String file();

        @Override
        String routes() {
            return "file:routes/steps.yaml,classpath:broken-routes/" + file();
        }

        void assertRefused(String message) {
            assertThatThrownBy(() -> pipelines().verify()).isInstanceOf(IllegalStateException.class)
                    .hasMessage(message);
        }
    }
}
