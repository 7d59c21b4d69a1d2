package io.onboarding.access;

import java.time.Duration;
import javax.sql.DataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;

/**
 * Access and audit: scoped API tokens ({@code /api/v1/tokens}), the bearer-token guard of every
 * /api route, and the audit log ({@code /api/v1/audit}). The bootstrap admin token is bound by the
 * service, which owns it ({@code bootstrapToken}).
 */
public class AccessConfiguration implements CamelConfiguration {

    @BindToRegistry("apiTokenRepository")
    public ApiTokenRepository apiTokenRepository(DataSource controlPlane) {
        return new ApiTokenRepository(controlPlane);
    }

    @BindToRegistry("tokenAuthority")
    public TokenAuthority tokenAuthority(BootstrapToken bootstrap, ApiTokenRepository tokens,
            @PropertyInject("onboarding.access.token-cache-ms") long cacheMillis) {
        return new TokenAuthority(bootstrap, tokens, Duration.ofMillis(cacheMillis));
    }

    @BindToRegistry("tokenApi")
    public TokenApi tokenApi(ApiTokenRepository tokens, TokenAuthority authority) {
        return new TokenApi(tokens, authority);
    }

    @BindToRegistry("auditLog")
    public AuditLog auditLog(DataSource controlPlane) {
        return new AuditLog(controlPlane);
    }

    @BindToRegistry("auditApi")
    public AuditApi auditApi(AuditLog auditLog) {
        return new AuditApi(auditLog);
    }

    @BindToRegistry("apiCallAudit")
    public ApiCallAudit apiCallAudit(AuditLog auditLog) {
        return new ApiCallAudit(auditLog::append);
    }
}
