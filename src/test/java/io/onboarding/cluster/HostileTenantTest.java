package io.onboarding.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.postgres.PostgresCluster;
import io.onboarding.support.ApiClient;
import io.onboarding.tenant.TenantNaming;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 20's rule, tried as a hostile tenant would: the tenant's own admin login (a real scram login)
 * plants code wherever a privileged session could run it — a view in place of the schema history an
 * earlier release read, triggers on every tenant table, a CHECK and a DEFAULT calling a function, an
 * index expression, a {@code public.=(name, text)} operator and functions named like catalog ones.
 * Each piece calls {@code public.hostile}, which writes who ran it, resets the role and tries to make
 * the login a superuser. Then every operation that enters the tenant's database runs through the API,
 * and after each: the login is no superuser, no row was written by a privileged user, and the
 * operation did what it should.
 */
class HostileTenantTest {

    private static final String PLATFORM_DB = "platform_hostile_tenant_test";
    private static final String CLUSTERS = """
            clusters:
              - {name: h-a, region: local, %1$s, state: %%1$s}
              - {name: h-b, region: local, %2$s, state: %%2$s}
            """;
    private static TwoClusters clusters;
    private static String file;

    @BeforeAll
    static void start() throws Exception {
        clusters = TwoClusters.start(PLATFORM_DB, Map.of(
                "onboarding.clusters.drain-initial-delay-ms", "500", "onboarding.clusters.drain-interval-ms", "1000"));
        file = CLUSTERS.formatted(TwoClusters.connection(clusters.first), TwoClusters.connection(clusters.second));
        // The first tenant schema version: the rollout below then has a real migration to make.
        clusters.run(file.formatted("open", "open"), Map.of("onboarding.tenant-schema.target", "1"));
    }

    @AfterAll
    static void stop() throws Exception {
        clusters.close();
    }

    @Test
    void noOperationRunsTheTenantsCodeWithMoreThanTheTenantsRights() throws Exception {
        UUID tenantId = clusters.provision("local", "h-a");
        JsonNode admin = clusters.inviteAndAccept(tenantId, "tenant_admin");
        String login = admin.get("username").asText();
        try (Connection session = clusters.login(clusters.first, admin); Statement statement = session.createStatement()) {
            plant(statement, login);
        }
        expectUnprivileged(tenantId, login, "planting");

        JsonNode suspended = accepted(clusters.api().post("/api/v1/tenants/" + tenantId + "/suspend",
                "{\"reason\":\"hostile\"}"));
        assertThat(suspended.get("status").asText()).as(suspended.toString()).isEqualTo("succeeded");
        assertThat(clusters.tenant(tenantId).get("status").asText()).isEqualTo("suspended");
        JsonNode resumed = accepted(clusters.api().post("/api/v1/tenants/" + tenantId + "/resume", ""));
        assertThat(resumed.get("status").asText()).as(resumed.toString()).isEqualTo("succeeded");
        assertThat(resumed.toString()).doesNotContain("warning");
        assertThat(clusters.tenant(tenantId).get("status").asText()).isEqualTo("active");
        expectUnprivileged(tenantId, login, "suspend and resume");

        // A rollout with a real migration (V1 to the newest): its UPDATEs fire the tenant's triggers.
        clusters.run(file.formatted("open", "open"), Map.of("onboarding.tenant-schema.converge-at-start", "false"));
        JsonNode rollout = accepted(clusters.api().post("/api/v1/tenant-schema/rollout", "{}"));
        assertThat(rollout.get("status").asText()).as(rollout.toString()).isEqualTo("succeeded");
        String newest = clusters.api().get("/api/v1/tenant-schema").body().get("current_version").asText();
        assertThat(newest).isNotEqualTo("1");
        assertThat(clusters.on(clusters.first).platform("SELECT schema_version FROM tenants WHERE tenant_id = ?",
                tenantId)).containsExactly(newest);
        assertThat(hostile(tenantId, "SELECT count(*) FROM hostile_log WHERE what LIKE 'resources%'"))
                .as("the tenant's trigger ran during the migration").isNotEqualTo("0");
        assertThat(hostile(tenantId, "SELECT count(*) FROM resources")).isEqualTo("1");
        assertThat(hostile(tenantId, "SELECT count(*) FROM hostile_log WHERE what = 'steward taken over'"))
                .as("the tenant's code tried to take the steward over").isNotEqualTo("0");
        expectUnprivileged(tenantId, login, "rollout");

        JsonNode updated = accepted(clusters.api().patch("/api/v1/tenants/" + tenantId, "{\"plan\":\"standard\"}"));
        assertThat(updated.get("status").asText()).as(updated.toString()).isEqualTo("succeeded");
        assertThat(clusters.on(clusters.first).value("postgres",
                "SELECT datconnlimit FROM pg_database WHERE datname = ?", TenantNaming.databaseName(tenantId)))
                .isEqualTo(clusters.tenant(tenantId).get("database").get("connection_limit").asText());
        expectUnprivileged(tenantId, login, "update");

        JsonNode backup = accepted(clusters.api().post("/api/v1/tenants/" + tenantId + "/backups", ""));
        assertThat(backup.get("status").asText()).as(backup.toString()).isEqualTo("succeeded");
        String backupId = clusters.api().get("/api/v1/tenants/" + tenantId + "/backups").body()
                .get("items").get(0).get("backup_id").asText();
        expectUnprivileged(tenantId, login, "backup");

        // Restore into a new database: pg_restore runs the CHECK (COPY) and the index expression (CREATE INDEX).
        JsonNode restored = accepted(clusters.api().post("/api/v1/tenants/" + tenantId + "/restore",
                "{\"backup_id\":\"" + backupId + "\"}"));
        assertThat(restored.get("status").asText()).as(restored.toString()).isEqualTo("succeeded");
        String copy = clusters.on(clusters.first).value("postgres", "SELECT datname FROM pg_database"
                + " WHERE datname LIKE ? AND datname <> ?", TenantNaming.databaseName(tenantId) + "_%",
                TenantNaming.databaseName(tenantId));
        assertThat(clusters.on(clusters.first).value(copy, "SELECT count(*) FROM guarded")).isEqualTo("1");
        assertThat(clusters.on(clusters.first).value(copy, "SELECT count(*) FROM hostile_log WHERE what = 'check'"))
                .as("the tenant's CHECK ran during the restore").isNotEqualTo("0");
        expectNoPrivilegedRows(clusters.first, copy, "restore");
        expectUnprivileged(tenantId, login, "restore");

        JsonNode moved = clusters.move(tenantId, "h-b");
        assertThat(moved.get("status").asText()).as(moved.toString()).isEqualTo("succeeded");
        assertThat(clusters.clusterOf(tenantId)).isEqualTo("h-b");
        assertThat(hostile(tenantId, "SELECT count(*) FROM guarded")).isEqualTo("1");
        expectUnprivileged(tenantId, login, "move");

        // Drain: h-b closes, its tenant goes back to h-a.
        clusters.run(file.formatted("open", "draining"));
        await().atMost(Duration.ofSeconds(90)).until(() -> "h-a".equals(clusters.clusterOf(tenantId))
                && clusters.api().get("/api/v1/operations?tenant_id=" + tenantId + "&type=move&status=running")
                .body().get("items").isEmpty());
        assertThat(hostile(tenantId, "SELECT count(*) FROM guarded")).isEqualTo("1");
        expectUnprivileged(tenantId, login, "drain");

        ApiClient.Response reconciled = clusters.api().post("/api/v1/reconcile/repair", "");
        assertThat(reconciled.status()).as(reconciled.body().toString()).isEqualTo(200);
        expectUnprivileged(tenantId, login, "reconcile");

        await().atMost(Duration.ofSeconds(30)).until(() -> clusters.api().get("/observe/metrics").raw().body()
                .contains(TenantNaming.databaseName(tenantId)));
        expectUnprivileged(tenantId, login, "monitoring");

        String name = clusters.tenant(tenantId).get("tenant_name").asText();
        JsonNode destroyed = accepted(clusters.api().delete("/api/v1/tenants/" + tenantId + "?confirm="
                + name.replace(" ", "%20")));
        assertThat(destroyed.get("status").asText()).as(destroyed.toString()).isEqualTo("succeeded");
        for (PostgresCluster cluster : List.of(clusters.first, clusters.second)) {
            assertThat(clusters.on(cluster).column("postgres", "SELECT rolname FROM pg_roles WHERE rolname LIKE ?",
                    TenantNaming.databaseName(tenantId) + "%")).as("destroy leaves no role").isEmpty();
            assertThat(superusers(cluster)).as("no superuser was made").containsOnly(cluster.user());
        }
    }

    /** Everything the issue names, in the tenant's database, by the tenant's own login. */
    private static void plant(Statement tenant, String login) throws Exception {
        tenant.execute("CREATE TABLE public.hostile_log (what text, current_login text, superuser boolean)");
        tenant.execute("GRANT INSERT ON public.hostile_log TO PUBLIC");
        // Who runs it is logged; then the role is reset, the login made a superuser if that is possible,
        // and the role set back so that the operation goes on undisturbed.
        tenant.execute("""
                CREATE FUNCTION public.hostile(what text) RETURNS boolean LANGUAGE plpgsql AS $$
                DECLARE
                    acting text := current_user;
                BEGIN
                    EXECUTE 'RESET ROLE';
                    INSERT INTO public.hostile_log VALUES (what, current_user,
                        (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) current_user));
                    BEGIN
                        EXECUTE pg_catalog.format('ALTER ROLE %%I SUPERUSER', '%s');
                    EXCEPTION WHEN OTHERS THEN NULL;
                    END;
                    -- In the platform's steward: take it over for later (a password of the tenant's, a
                    -- setting that would deny the platform's next session, a SECURITY DEFINER door).
                    IF current_user::text LIKE '%%\\_steward' THEN
                        BEGIN
                            EXECUTE pg_catalog.format('ALTER ROLE %%I PASSWORD %%L', current_user, 'chosen-by-tenant');
                            EXECUTE pg_catalog.format('ALTER ROLE %%I IN DATABASE %%I SET default_transaction_read_only = on',
                                current_user, pg_catalog.current_database());
                            CREATE OR REPLACE FUNCTION public.as_steward(command text) RETURNS void
                                LANGUAGE plpgsql SECURITY DEFINER AS 'BEGIN EXECUTE command; END';
                            GRANT EXECUTE ON FUNCTION public.as_steward(text) TO PUBLIC;
                            INSERT INTO public.hostile_log VALUES ('steward taken over', current_user, false);
                        EXCEPTION WHEN OTHERS THEN NULL;
                        END;
                    END IF;
                    EXECUTE pg_catalog.format('SET ROLE %%I', acting);
                    RETURN true;
                EXCEPTION WHEN OTHERS THEN
                    RETURN true;
                END
                $$""".formatted(login));
        tenant.execute("""
                CREATE FUNCTION public.hostile_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM public.hostile(TG_TABLE_NAME || ' ' || TG_OP);
                    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
                END
                $$""");
        for (String table : List.of("applications", "resources", "deployments", "user_activity")) {
            tenant.execute("CREATE TRIGGER hostile_rows BEFORE INSERT OR UPDATE OR DELETE ON public." + table
                    + " FOR EACH ROW EXECUTE FUNCTION public.hostile_trigger()");
            tenant.execute("CREATE TRIGGER hostile_statements AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public."
                    + table + " FOR EACH STATEMENT EXECUTE FUNCTION public.hostile_trigger()");
        }
        tenant.execute("INSERT INTO public.applications (id, name) VALUES ('00000000-0000-0000-0000-0000000000a1', 'app')");
        tenant.execute("INSERT INTO public.resources (application_id, resource_type, name)"
                + " VALUES ('00000000-0000-0000-0000-0000000000a1', 'queue', 'jobs')");
        tenant.execute("INSERT INTO public.deployments (application_id, version, environment)"
                + " VALUES ('00000000-0000-0000-0000-0000000000a1', '1.0', 'prod')");
        tenant.execute("INSERT INTO public.user_activity (user_name, action) VALUES ('someone', 'login')");
        // A CHECK, a DEFAULT and an index expression calling it (the index function claims IMMUTABLE).
        tenant.execute("""
                CREATE FUNCTION public.hostile_immutable(value text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
                BEGIN
                    PERFORM public.hostile('index');
                    RETURN value;
                EXCEPTION WHEN OTHERS THEN
                    RETURN value;
                END
                $$""");
        tenant.execute("CREATE TABLE public.guarded (id int, note text DEFAULT (CASE WHEN public.hostile('default')"
                + " THEN 'd' END), CHECK (public.hostile('check')))");
        tenant.execute("CREATE INDEX guarded_note ON public.guarded ((public.hostile_immutable(note)))");
        tenant.execute("INSERT INTO public.guarded (id) VALUES (1)");
        tenant.execute("ALTER TABLE public.applications ALTER COLUMN description SET DEFAULT"
                + " (CASE WHEN public.hostile('default') THEN 'd' END)");
        // The schema history an earlier release read as the superuser (before SET ROLE, on resume): a view
        // calling it in its place (this release keeps no history in the tenant's database).
        tenant.execute("""
                DO $$
                BEGIN
                    IF to_regclass('public.tenant_schema_history') IS NOT NULL THEN
                        ALTER TABLE public.tenant_schema_history RENAME TO tenant_schema_history_kept;
                    ELSE
                        CREATE TABLE public.tenant_schema_history_kept (installed_rank int, version text,
                            description text, type text, script text, checksum int, installed_by text,
                            installed_on timestamptz, execution_time int, success boolean);
                    END IF;
                    CREATE VIEW public.tenant_schema_history AS SELECT installed_rank, version, description,
                        type, script, checksum, installed_by, installed_on, execution_time,
                        public.hostile('history') AND success AS success
                        FROM public.tenant_schema_history_kept;
                END
                $$""");
        // Shadows of catalog operators and functions, better matches for name and text arguments.
        tenant.execute("""
                CREATE FUNCTION public.hostile_equals(name, text) RETURNS boolean LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM public.hostile('operator');
                    RETURN $1::text OPERATOR(pg_catalog.=) $2;
                END
                $$""");
        tenant.execute("CREATE OPERATOR public.= (LEFTARG = name, RIGHTARG = text, FUNCTION = public.hostile_equals)");
        for (String shadow : List.of("obj_description(oid, text)", "shobj_description(oid, text)",
                "pg_get_userbyid(integer)", "quote_ident(varchar)", "has_table_privilege(text, text, text)")) {
            tenant.execute("CREATE FUNCTION public." + shadow.replace("(", "_shadow(")
                    + " RETURNS text LANGUAGE sql AS $$ SELECT public.hostile('function')::text $$");
            tenant.execute("CREATE FUNCTION public." + shadow
                    + " RETURNS text LANGUAGE sql AS $$ SELECT public.hostile('function')::text $$");
        }
    }

    private static void expectUnprivileged(UUID tenantId, String login, String after) {
        PostgresCluster where = "h-b".equals(clusters.clusterOf(tenantId)) ? clusters.second : clusters.first;
        assertThat(clusters.on(where).value("postgres", "SELECT rolsuper FROM pg_roles WHERE rolname = ?", login))
                .as("the tenant login after " + after).isEqualTo("f");
        for (PostgresCluster cluster : List.of(clusters.first, clusters.second)) {
            assertThat(superusers(cluster)).as("superusers after " + after).containsOnly(cluster.user());
        }
        expectNoPrivilegedRows(where, TenantNaming.databaseName(tenantId), after);
        // The steward the tenant's code ran in: no login outside the platform's own sessions, nothing of its
        // own left in the database (a SECURITY DEFINER door would be the steward's rights for anyone).
        String steward = TenantNaming.stewardName(tenantId);
        assertThat(clusters.on(where).value("postgres", "SELECT rolcanlogin FROM pg_roles WHERE rolname = ?", steward))
                .as("the steward can log in after " + after).isEqualTo("f");
        assertThat(clusters.on(where).value(TenantNaming.databaseName(tenantId),
                "SELECT count(*) FROM pg_class c FULL JOIN pg_proc p ON false WHERE pg_get_userbyid(coalesce(c.relowner,"
                        + " p.proowner)) = ?", steward)).as("objects the steward owns after " + after).isEqualTo("0");
        assertThatThrownBy(() -> clusters.on(where).login(TenantNaming.databaseName(tenantId), steward,
                "chosen-by-tenant").close()).as("the steward with the tenant's password after " + after)
                .isInstanceOf(java.sql.SQLException.class);
    }

    private static void expectNoPrivilegedRows(PostgresCluster cluster, String database, String after) {
        assertThat(clusters.on(cluster).column(database,
                "SELECT what || ' as ' || current_login FROM hostile_log WHERE superuser IS DISTINCT FROM false"))
                .as("rows written by a privileged user after " + after).isEmpty();
    }

    private static List<String> superusers(PostgresCluster cluster) {
        return clusters.on(cluster).column("postgres", "SELECT rolname FROM pg_roles WHERE rolsuper");
    }

    private static String hostile(UUID tenantId, String sql) {
        PostgresCluster where = "h-b".equals(clusters.clusterOf(tenantId)) ? clusters.second : clusters.first;
        return clusters.on(where).value(TenantNaming.databaseName(tenantId), sql);
    }

    private static JsonNode accepted(ApiClient.Response response) {
        assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(202);
        return clusters.service().awaitOperation(response.body().get("operation_id").asText());
    }
}
