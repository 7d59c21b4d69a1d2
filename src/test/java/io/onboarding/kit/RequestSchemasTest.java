package io.onboarding.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onboarding.kit.Refusal.FieldError;
import io.onboarding.support.QuickTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The served schemas as request validation: problems named by field, in the API's words. */
@QuickTest
class RequestSchemasTest {

    private static List<FieldError> problems(String schema, String body) {
        return RequestSchemas.problems(schema, Json.parse(body));
    }

    @Test
    void aValidCreateRequestHasNoProblems() {
        assertThat(problems("CreateTenantRequest", """
                {"tenant_name":"Acme","plan":"standard","region":"eu-west-1","admin_email":"a@acme.example",
                 "tenant_id":null,"backup_policy":{"schedule":"0 2 * * *","retention_days":7},
                 "auth_providers":{"github":null,"oidc":{"issuer_url":"https://id.example","client_id":"c","client_secret":"s"}}}
                """)).isEmpty();
    }

    @Test
    void everyProblemIsNamedByItsField() {
        assertThat(problems("CreateTenantRequest", """
                {"plan":"gold","region":"eu-west-1","tenant_id":"nope","monitoring_level":7,
                 "backup_policy":{"encryption_level":"max","extra":1,"retention_days":"x"},"colour":"red"}
                """)).containsExactlyInAnyOrder(
                new FieldError("tenant_name", "is required"),
                new FieldError("plan", "must be one of free, standard, enterprise"),
                new FieldError("tenant_id", "must be a UUID"),
                new FieldError("monitoring_level", "must be a non-empty string"),
                new FieldError("backup_policy.encryption_level", "must be one of standard, high"),
                new FieldError("backup_policy.extra", "is not a known field"),
                new FieldError("backup_policy.retention_days", "must be a whole number"),
                new FieldError("colour", "is not a known field"));
    }

    @Test
    void nestedProvidersAreNamedWithTheirPath() {
        assertThat(problems("CreateTenantRequest", """
                {"tenant_name":"Acme","plan":"free","region":"local","auth_providers":{"entra_id":{"tenant_id":"x","client_secret":"s"}}}
                """)).containsExactlyInAnyOrder(
                new FieldError("auth_providers.entra_id.tenant_id", "must be a UUID"),
                new FieldError("auth_providers.entra_id.client_id", "is required"));
    }

    @Test
    void theRulesMessageWinsForAFieldBothRefuse() {
        assertThatThrownBy(() -> RequestSchemas.validate("InviteUserRequest", Json.parse("{\"email\":\"x\",\"role\":\"boss\",\"teams\":\"a\"}"),
                () -> {
                    throw Refusal.validation("email", "must be an email address (rules)");
                }))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(e.details()).containsExactly(
                        new FieldError("email", "must be an email address (rules)"),
                        new FieldError("role", "must be one of tenant_admin, application_manager, developer, auditor"),
                        new FieldError("teams", "must be an array")));
    }

    @Test
    void aTokenRequestsScopesAreCheckedAndAnItemTheRulesNameIsNotNamedTwice() {
        assertThat(problems("CreateTokenRequest", "{\"name\":\"ci\",\"scopes\":[\"reader\"],\"expires_at\":\"2030-01-01T00:00:00Z\"}"))
                .isEmpty();
        assertThat(problems("CreateTokenRequest", "{\"name\":\"-x\",\"scopes\":[\"root\"],\"scope\":1}")).extracting(FieldError::field)
                .containsExactlyInAnyOrder("name", "scopes", "scope");
        assertThatThrownBy(() -> RequestSchemas.validate("CreateTokenRequest", Json.parse("{\"name\":\"x\",\"scopes\":[\"root\"]}"),
                () -> {
                    throw Refusal.validation("scopes[0]", "must be one of admin, operator, reader");
                }))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(e.details()).containsExactly(
                        new FieldError("scopes[0]", "must be one of admin, operator, reader")));
    }
}
