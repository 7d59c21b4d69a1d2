package io.onboarding.git;

import io.onboarding.tenant.TenantRecord;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files of a new tenant repository's first commit: a README naming the tenant, an empty
 * {@code applications/} directory and a CODEOWNERS. Teams are not part of the onboarding request, so
 * CODEOWNERS names the admin_email when one was given, else only says how to fill it in.
 */
public final class InitialContent {

    public static final String MESSAGE = "Initial commit by tenant-onboarding";

    private InitialContent() {
    }

    /** Path to content, in a stable order. */
    public static Map<String, byte[]> files(TenantRecord tenant) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("README.md", utf8("""
                # %s

                Desired state of the applications of tenant **%s** (tenant id `%s`, plan %s, region %s).

                Put one directory per application under `applications/`. This repository was created by
                tenant-onboarding; the tenant's users read it, changes come through the platform team.
                """.formatted(tenant.tenantName(), tenant.tenantName(), tenant.tenantId(), tenant.plan(),
                tenant.region())));
        files.put("applications/.gitkeep", new byte[0]);
        files.put("CODEOWNERS", utf8(tenant.adminEmail() == null
                ? "# No owners yet: the onboarding request named no admin_email.\n# Add lines such as: * @org/team\n"
                : "# The tenant's admin, from the onboarding request.\n* " + tenant.adminEmail() + "\n"));
        return files;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
