package io.onboarding.cloud;

import io.onboarding.tenant.TenantRepository;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

/** Enterprise tenants' cloud resources, through the provisioner at CLOUD_PROVISIONER_URL (routes/cloud.yaml). */
public class CloudConfiguration implements CamelConfiguration {

    @BindToRegistry("cloudResources")
    public CloudResources cloudResources(CamelContext camel, TenantRepository tenants,
            @PropertyInject("onboarding.cloud-provisioner.enabled") boolean enabled) {
        return new CloudResources(camel, tenants, enabled);
    }


    @BindToRegistry("cloudHttpClient")
    public CloudHttpClient cloudHttpClient(
            @PropertyInject("onboarding.cloud-provisioner.timeout-ms") long timeoutMs) {
        return new CloudHttpClient(timeoutMs);
    }
}
