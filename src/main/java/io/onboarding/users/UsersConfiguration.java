package io.onboarding.users;

import io.onboarding.events.TenantEvents;
import io.onboarding.observe.OnboardingMetrics;
import io.onboarding.operation.FaultHolds;
import io.onboarding.operation.OperationLauncher;
import io.onboarding.secrets.SecretStore;
import io.onboarding.tenant.TenantRepository;
import io.onboarding.tenant.TenantRoleProvisioner;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

/**
 * Users of a tenant: invitations (an operation of four parts, each a step bean of its own: credential,
 * login role, mail, record), one-time links, the mail outbox, credential rotation.
 */
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

    @BindToRegistry("invitationTexts")
    public InvitationTexts invitationTexts(@PropertyInject("onboarding.public-base-url") String publicBaseUrl) {
        return new InvitationTexts(publicBaseUrl);
    }

    @BindToRegistry("userCredentials")
    public UserCredentials userCredentials(SecretStore secrets, TenantRepository tenants) {
        return new UserCredentials(secrets, tenants);
    }

    @BindToRegistry("userLogins")
    public UserLogins userLogins(TenantRoleProvisioner roles, UserCredentials credentials,
            @PropertyInject("onboarding.users.connection-limit") int connectionLimit) {
        return new UserLogins(roles, credentials, connectionLimit);
    }

    @BindToRegistry("invitationMail")
    public InvitationMail invitationMail(InvitationOutbox outbox, InvitationTexts texts,
            @PropertyInject("onboarding.users.invitation-ttl-hours") int invitationTtlHours) {
        return new InvitationMail(outbox, texts, Duration.ofHours(invitationTtlHours));
    }

    @BindToRegistry("invitedUsers")
    public InvitedUsers invitedUsers(DataSource controlPlane, TenantUserRepository users, InvitationOutbox outbox,
            TenantEvents events) {
        return new InvitedUsers(controlPlane, users, outbox, events);
    }

    @BindToRegistry("userInvitations")
    public UserInvitations userInvitations(DataSource controlPlane, TenantRepository tenants,
            TenantUserRepository users, TenantRoleProvisioner roles, UserCredentials credentials, UserLogins logins,
            InvitationMail mail, InvitedUsers records, InvitationOutbox outbox, InvitationTexts texts,
            TenantEvents events, OperationLauncher launcher, FaultHolds holds,
            @PropertyInject("onboarding.users.invitation-ttl-hours") int invitationTtlHours,
            @PropertyInject("onboarding.users.wait-for-tenant-seconds") int waitForTenantSeconds) {
        return new UserInvitations(controlPlane, tenants, users, roles,
                new UserInvitations.Parts(credentials, logins, mail, records), outbox, texts,
                Duration.ofHours(invitationTtlHours), events, launcher, Duration.ofSeconds(waitForTenantSeconds), holds);
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
