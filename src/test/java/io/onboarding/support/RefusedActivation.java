package io.onboarding.support;

/**
 * Makes activate-tenant fail for tenants whose name starts with a prefix: a trigger in the control
 * plane refuses their move to {@code active}. A way to fail onboarding after every earlier step ran.
 */
public final class RefusedActivation {

    private RefusedActivation() {
    }

    public static void install(String platformDb, String namePrefix) {
        new Catalog(TestPostgres.cluster(), platformDb).execute(platformDb, """
                CREATE OR REPLACE FUNCTION refuse_activation() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'activation refused by the test'; END $$""",
                "CREATE TRIGGER refuse_activation BEFORE UPDATE ON tenants FOR EACH ROW WHEN (NEW.status = 'active'"
                        + " AND OLD.status = 'provisioning' AND NEW.tenant_name LIKE '" + namePrefix.replace("'", "''")
                        + "%') EXECUTE FUNCTION refuse_activation()");
    }
}
