package io.onboarding.users;

import io.onboarding.events.TenantEvents;
import io.onboarding.monitoring.OnboardingMetrics;
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

    @BindToRegistry("userInvitations")
    public UserInvitations userInvitations(DataSource controlPlane, TenantRepository tenants,
            TenantRoleProvisioner roles, SecretStore secrets, InvitationOutbox outbox, TenantEvents events,
            @PropertyInject("onboarding.public-base-url") String publicBaseUrl,
            @PropertyInject("onboarding.users.connection-limit") int connectionLimit,
            @PropertyInject("onboarding.users.invitation-ttl-hours") int invitationTtlHours) {
        return new UserInvitations(controlPlane, tenants, new TenantUserRepository(controlPlane), roles, secrets,
                outbox, publicBaseUrl, connectionLimit, Duration.ofHours(invitationTtlHours), events);
    }

    @BindToRegistry("userApi")
    public UserApi userApi(UserInvitations invitations) {
        return new UserApi(invitations);
    }
}
