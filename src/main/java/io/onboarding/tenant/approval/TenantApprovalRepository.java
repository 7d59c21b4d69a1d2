package io.onboarding.tenant.approval;

import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/** The SQL of approvals: one decision per tenant, recorded once. */
public final class TenantApprovalRepository {

    /** A decision on a tenant's onboarding. */
    public record Decision(String decision, String decidedBy, String note) {

        public boolean approved() {
            return "approved".equals(decision);
        }
    }

    private final JdbcTemplate jdbc;

    public TenantApprovalRepository(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    public Optional<Decision> find(UUID tenantId) {
        return jdbc.query("SELECT decision, decided_by, note FROM tenant_approvals WHERE tenant_id = ?",
                (rs, n) -> new Decision(rs.getString(1), rs.getString(2), rs.getString(3)), tenantId).stream().findFirst();
    }

    /** Records the decision unless one exists; true if this one was recorded. */
    public boolean decide(UUID tenantId, Decision decision) {
        return jdbc.update("INSERT INTO tenant_approvals (tenant_id, decision, decided_by, note) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (tenant_id) DO NOTHING", tenantId, decision.decision(), decision.decidedBy(),
                decision.note()) == 1;
    }
}
