package io.onboarding.secrets;

import org.apache.camel.Exchange;
import org.springframework.vault.VaultException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;

/** Which Vault failures are worth retrying: connection problems and 5xx answers, not 4xx. */
public final class VaultErrors {

    public boolean isTransient(Exchange exchange) {
        return isTransient(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
    }

    static boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ResourceAccessException || cause instanceof HttpServerErrorException
                    || cause instanceof java.io.IOException) {
                return true;
            }
            if (cause instanceof VaultException && cause.getMessage() != null
                    && cause.getMessage().matches("(?s)Status 5\\d\\d.*")) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

}
