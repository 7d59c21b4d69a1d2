package io.onboarding.console;

import io.onboarding.web.FrontGate;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import org.apache.camel.CamelContext;

/**
 * The operator console's static files (classpath {@code console/}) on the service's own HTTP server:
 * {@code GET /} is the page, {@code /console/**} its scripts and styles. No token is needed for them;
 * every API call the page makes carries the token the operator pasted. The page may load nothing
 * but its own files and talk to nothing but this server (Content-Security-Policy), and no other
 * site may frame it.
 */
public final class ConsolePages {

    /** Classpath folder of the console's files. */
    static final String WEB_ROOT = "console";

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private ConsolePages() {
    }

    /** Serves the console on the server of {@code port}, behind the front gate like every other route. */
    public static void install(CamelContext camel, int port) {
        Router router = FrontGate.router(camel, port);
        StaticHandler files = StaticHandler.create(WEB_ROOT)
                .setIndexPage("index.html")
                .setDirectoryListing(false)
                .setIncludeHidden(false)
                .setDefaultContentEncoding("UTF-8")
                .setMaxAgeSeconds(60);
        serve(router, "/", files);
        serve(router, "/console/*", files);
    }

    private static void serve(Router router, String path, StaticHandler files) {
        router.route(path).method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(ConsolePages::securityHeaders)
                .handler(files);
    }

    private static void securityHeaders(RoutingContext context) {
        context.response()
                .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Referrer-Policy", "no-referrer");
        context.next();
    }
}
