package io.onboarding.users;

import io.onboarding.operation.StepContext;
import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRoleProvisioner;
import java.sql.SQLException;

/**
 * An invited person's LOGIN role (steps {@code create-user-login}, and inside
 * {@code invite-tenant-admin}): {@code tenant_<tenant hex>_u_<16 hex of the user id>}, member of the
 * tenant role asked for, its password the one stored by {@link UserCredentials}, reaching PostgreSQL
 * only as a SCRAM verifier. Made again by a resumed step (same name, same password); its undo drops it.
 */
public final class UserLogins {

    private final TenantRoleProvisioner roles;
    private final UserCredentials credentials;
    private final int connectionLimit;

    public UserLogins(TenantRoleProvisioner roles, UserCredentials credentials, int connectionLimit) {
        this.roles = roles;
        this.credentials = credentials;
        this.connectionLimit = connectionLimit;
    }

    /** Step: the login role, with the stored password. */
    public void create(StepContext context) throws SQLException {
        Invitee invitee = Invitee.require(context);
        roles.createLogin(invitee.tenantId(), invitee.login(), invitee.role(), credentials.password(invitee),
                connectionLimit);
    }

    /** Undo of {@link #create}: sessions ended, objects to the tenant admin, role dropped; idempotent. */
    public void drop(StepContext context) throws SQLException {
        Invitee invitee = Invitee.require(context);
        roles.dropLogin(invitee.tenantId(), context.subject(TenantRecord.class).databaseName(), invitee.login());
    }
}
