package io.onboarding.users;

import io.onboarding.tenant.TenantRecord;
import java.time.OffsetDateTime;

/** The mail a person gets: an invitation or new credentials, each with its one-time link. */
final class InvitationTexts {

    private final String publicBaseUrl;

    InvitationTexts(String publicBaseUrl) {
        this.publicBaseUrl = publicBaseUrl.replaceAll("/+$", "");
    }

    String link(String token) {
        return publicBaseUrl + "/api/v1/invitations/" + token;
    }

    String invitation(TenantRecord tenant, TenantUser user, String token, OffsetDateTime expires) {
        return """
                Hello,

                you have been given access to the tenant "%s" as %s.%s

                Your database credentials are waiting for you behind this one-time link:

                    %s

                Collect them with:  curl -X POST %s/accept
                The link works once and expires at %s.
                """.formatted(tenant.tenantName(), user.role(),
                user.invitedBy() == null ? "" : "\nInvited by: " + quoted(user.invitedBy()), link(token), link(token),
                expires);
    }

    /**
     * A name given by the caller (checked to be one line without control characters) as quoted data:
     * in double quotes, a quote or backslash in it escaped, so it reads as a value and not as the mail's text.
     */
    static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    String rotation(TenantRecord tenant, String token, OffsetDateTime expires) {
        return """
                Hello,

                the database credentials of your access to the tenant "%s" were rotated; the old
                password no longer works. Your new credentials are behind this one-time link:

                    %s

                Collect them with:  curl -X POST %s/accept
                The link works once and expires at %s.
                """.formatted(tenant.tenantName(), link(token), link(token), expires);
    }
}
