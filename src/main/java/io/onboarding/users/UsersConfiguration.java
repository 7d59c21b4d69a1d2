package io.onboarding.users;

import io.onboarding.events.TenantEvents;
import io.onboarding.observe.OnboardingMetrics;
import io.onboarding.secrets.SecretStore;
import io.onboarding.tenant.TenantRepository;
import io.onboarding.tenant.TenantRoleProvisioner;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

/** Users of a tenant: invitations (one-time links, mail through the outbox) and credential rotation. */
public class UsersConfiguration implements CamelConfiguration {

    @BindToRegistry("invitationOutbox")
    public InvitationOutbox invitationOutbox(CamelContext camel, DataSource controlPlane, SecretStore secrets,
            @PropertyInject("onboarding.smtp.enabled") boolean smtpEnabled, OnboardingMetrics metrics) {
        return new InvitationOutbox(camel, controlPlane, secrets, smtpEnabled, metrics);
    }

    @BindToRegistry("tenantUserRepository")
    public TenantUserRepository tenantUserRepository(DataSource controlPlane) {
        return new TenantUserRepository(controlPlane);
    }

    @BindToRegistry("userInvitations")
    public UserInvitations userInvitations(DataSource controlPlane, TenantRepository tenants,
            TenantUserRepository users, TenantRoleProvisioner roles, SecretStore secrets, InvitationOutbox outbox,
            TenantEvents events,
            @PropertyInject("onboarding.public-base-url") String publicBaseUrl,
            @PropertyInject("onboarding.users.connection-limit") int connectionLimit,
            @PropertyInject("onboarding.users.invitation-ttl-hours") int invitationTtlHours,
            @PropertyInject("onboarding.users.unfinished-invitation-timeout-seconds") int unfinishedAfterSeconds,
            io.onboarding.operation.FaultHolds holds) {
        return new UserInvitations(controlPlane, tenants, users, roles, secrets, outbox, publicBaseUrl,
                connectionLimit, Duration.ofHours(invitationTtlHours), events, Duration.ofSeconds(unfinishedAfterSeconds),
                holds);
    }

    @BindToRegistry("invitationLinks")
    public InvitationLinks invitationLinks(TenantRepository tenants, TenantUserRepository users, SecretStore secrets) {
        return new InvitationLinks(tenants, users, secrets);
    }

    @BindToRegistry("userApi")
    public UserApi userApi(UserInvitations invitations, InvitationLinks links) {
        return new UserApi(invitations, links);
    }
}
