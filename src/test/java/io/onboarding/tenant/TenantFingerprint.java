package io.onboarding.tenant;

import io.onboarding.support.Catalog;
import io.onboarding.tenant.schema.DesignSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Everything pg_catalog says of one tenant's database and roles, a line per fact, with the tenant's id and
 * names replaced by placeholders: two tenants made alike give the same lines. The database (encoding,
 * collation, provider, connections, owner, marker, every ACL entry with its grantor), the four roles and the
 * steward (attributes, marker, whether a password is set, memberships with their grantors, role settings),
 * and inside the database schema {@code public} (owner, ACL, comment), every relation's owner and ACL entries,
 * every object a role owns or is granted ({@code pg_shdepend}) and {@link DesignSchema}'s lines. Left out: oids,
 * timestamps, and {@code rolvaliduntil} (a steward keeps the expiry of its last login window).
 */
final class TenantFingerprint {

    private TenantFingerprint() {
    }

    static List<String> of(Catalog catalog, UUID tenantId) {
        String database = TenantNaming.databaseName(tenantId);
        String roles = TenantNaming.databaseName(tenantId).replace("_", "\\_") + "\\_%";
        List<String> lines = new ArrayList<>();
        lines.addAll(catalog.column("postgres", "SELECT 'database ' || pg_encoding_to_char(encoding) || ' '"
                + " || datcollate || ' ' || datctype || ' ' || datlocprovider::text || ' ' || coalesce(daticulocale, '-')"
                + " || ' ' || coalesce(datcollversion, '-') || ' allowconn ' || datallowconn || ' connlimit '"
                + " || datconnlimit || ' template ' || datistemplate || ' owner ' || pg_get_userbyid(datdba)"
                + " || ' tablespace ' || (SELECT spcname FROM pg_tablespace t WHERE t.oid = dattablespace)"
                + " || ' comment ' || coalesce(shobj_description(oid, 'pg_database'), '-')"
                + " FROM pg_database WHERE datname = ?", database));
        lines.addAll(catalog.column("postgres", "SELECT 'database acl ' || " + grantee("a") + " || ' '"
                + " || a.privilege_type || ' ' || a.is_grantable || ' by ' || pg_get_userbyid(a.grantor)"
                + " FROM pg_database d, aclexplode(d.datacl) a WHERE d.datname = ?", database));
        lines.addAll(catalog.column("postgres", "SELECT 'role ' || rolname || ' super ' || rolsuper || ' inherit '"
                + " || rolinherit || ' createrole ' || rolcreaterole || ' createdb ' || rolcreatedb || ' login '"
                + " || rolcanlogin || ' replication ' || rolreplication || ' bypassrls ' || rolbypassrls"
                + " || ' connlimit ' || rolconnlimit || ' password ' || (rolpassword IS NOT NULL) || ' comment '"
                + " || coalesce(shobj_description(oid, 'pg_authid'), '-') FROM pg_authid WHERE rolname LIKE ?", roles));
        lines.addAll(catalog.column("postgres", "SELECT 'member ' || pg_get_userbyid(m.member) || ' of '"
                + " || pg_get_userbyid(m.roleid) || ' admin ' || m.admin_option || ' by ' || pg_get_userbyid(m.grantor)"
                + " FROM pg_auth_members m WHERE pg_get_userbyid(m.member) LIKE ? OR pg_get_userbyid(m.roleid) LIKE ?",
                roles, roles));
        lines.addAll(catalog.column("postgres", "SELECT 'role setting ' || pg_get_userbyid(s.setrole) || ' '"
                + " || array_to_string(s.setconfig, ',') FROM pg_db_role_setting s"
                + " WHERE pg_get_userbyid(s.setrole) LIKE ? OR s.setdatabase = (SELECT oid FROM pg_database"
                + " WHERE datname = ?)", roles, database));
        lines.addAll(catalog.column("postgres", "SELECT 'database depends ' || s.deptype::text || ' '"
                + " || pg_get_userbyid(s.refobjid) FROM pg_shdepend s JOIN pg_database d ON s.objid = d.oid"
                + " WHERE s.classid = 'pg_database'::regclass AND d.datname = ?", database));
        lines.addAll(catalog.column(database, "SELECT 'schema ' || nspname || ' owner ' || pg_get_userbyid(nspowner)"
                + " || ' comment ' || coalesce(obj_description(oid, 'pg_namespace'), '-') FROM pg_namespace"
                + " WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'"));
        lines.addAll(catalog.column(database, "SELECT 'schema acl ' || n.nspname || ' ' || " + grantee("a")
                + " || ' ' || a.privilege_type || ' by ' || pg_get_userbyid(a.grantor)"
                + " FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.nspname = 'public'"));
        lines.addAll(catalog.column(database, "SELECT 'relation ' || c.relname || ' ' || c.relkind::text || ' owner '"
                + " || pg_get_userbyid(c.relowner) FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace"));
        lines.addAll(catalog.column(database, "SELECT 'relation acl ' || c.relname || ' ' || " + grantee("a")
                + " || ' ' || a.privilege_type || ' by ' || pg_get_userbyid(a.grantor)"
                + " FROM pg_class c, aclexplode(c.relacl) a WHERE c.relnamespace = 'public'::regnamespace"));
        lines.addAll(catalog.column(database, "SELECT 'depends ' || s.deptype::text || ' ' || pg_get_userbyid(s.refobjid)"
                + " || ' ' || s.classid::regclass::text || ' ' || count(*) FROM pg_shdepend s"
                + " WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
                + " GROUP BY s.deptype, s.refobjid, s.classid"));
        lines.addAll(catalog.column(database, "SELECT 'default acl ' || count(*) FROM pg_default_acl"));
        lines.addAll(DesignSchema.of(catalog, database));
        String hex = database.substring("tenant_".length());
        List<String> normalized = new ArrayList<>(lines.stream()
                .map(line -> line.replace(hex, "<hex>").replace(tenantId.toString(), "<tenant id>")).toList());
        normalized.sort(null);
        return normalized;
    }

    private static String grantee(String acl) {
        return "CASE " + acl + ".grantee WHEN 0 THEN 'PUBLIC' ELSE pg_get_userbyid(" + acl + ".grantee) END";
    }
}
