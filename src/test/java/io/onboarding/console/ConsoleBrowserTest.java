package io.onboarding.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Browser;
import io.onboarding.support.Catalog;
import io.onboarding.support.RunningService;
import io.onboarding.tenant.TenantNaming;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The operator console in a real (headless) Chromium against the running service: the page needs no
 * token, the operator logs in with one, creates a tenant from the form and watches it become active,
 * reads its operation's steps, suspends it (and pg_catalog agrees), is refused a destroy with the
 * wrong name, and sees the fleet's numbers. Screenshots of each stage: target/screenshots/console-*.png.
 */
class ConsoleBrowserTest {

    private static final Duration SLOW = Duration.ofSeconds(120);
    private static final Duration QUICK = Duration.ofSeconds(30);

    private static RunningService service;
    private static ApiClient api;
    private static Browser browser;
    private static WebDriver driver;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        // Enterprise onboardings wait for approval, as with the shipped configuration.
        service = RunningService.start("platform_console_test", java.util.Map.of("onboarding.approval.plans", "enterprise"));
        api = service.api();
        base = "http://localhost:" + service.port();
        browser = Browser.start();
        driver = browser.driver();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            service.close();
        }
    }

    @Test
    void thePageNeedsNoTokenAndTheApiStillDoes() {
        ApiClient anonymous = api.withToken(null);
        ApiClient.Response page = anonymous.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.raw().body()).contains("<title>Tenant onboarding console</title>", "/console/js/app.js");
        assertThat(page.header("Content-Security-Policy")).hasValueSatisfying(policy ->
                assertThat(policy).contains("script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"));
        ApiClient.Response script = anonymous.get("/console/js/app.js");
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("javascript"));

        ApiClient.Response tenants = anonymous.get("/api/v1/tenants");
        assertThat(tenants.status()).isEqualTo(401);
        assertThat(tenants.body().get("error").get("code").asText()).isEqualTo("unauthorized");
        ApiClient.Response missing = anonymous.get("/console/no-such-file.js");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body().get("error").get("code").asText()).isEqualTo("not_found");
        assertThat(anonymous.post("/", "{}").status()).isEqualTo(405);

        // The table's region filter is the API's: an unknown region is a 400 naming the field.
        ApiClient.Response badRegion = api.get("/api/v1/tenants?region=nowhere");
        assertThat(badRegion.status()).isEqualTo(400);
        assertThat(badRegion.body().get("error").get("details").get(0).get("field").asText()).isEqualTo("region");
    }

    @Test
    void anOperatorCreatesWatchesSuspendsAndIsRefusedADestroyWithTheWrongName() throws Exception {
        driver.get(base + "/");
        WebElement token = browser.await(QUICK, d -> visible(d, By.id("token")));
        browser.screenshot("console-01-login");
        token.sendKeys("not-the-token");
        driver.findElement(By.id("login-submit")).click();
        assertThat(browser.await(QUICK, d -> visible(d, By.cssSelector("#login-form .error"))).getText())
                .contains("401", "unauthorized");
        token.clear();
        token.sendKeys(RunningService.TOKEN);
        driver.findElement(By.id("login-submit")).click();
        browser.await(QUICK, d -> visible(d, By.id("tenants-body")));
        assertThat(sessionToken()).isEqualTo(RunningService.TOKEN);
        browser.screenshot("console-02-tenants");

        // The form: the API's refusal is shown with its field, then a good request goes through.
        driver.findElement(By.cssSelector("#nav a[data-nav='new']")).click();
        WebElement name = browser.await(QUICK, d -> visible(d, By.id("f-tenant_name")));
        name.sendKeys("!bad name");
        driver.findElement(By.id("create-submit")).click();
        WebElement refusal = browser.await(QUICK, d -> visible(d, By.cssSelector("#create-form .error")));
        assertThat(refusal.getText()).contains("400", "validation_failed", "tenant_name");
        assertThat(driver.findElement(By.cssSelector(".field[data-name='tenant_name']")).getAttribute("class"))
                .contains("invalid");
        browser.screenshot("console-03-create-refused");
        String tenantName = "Console " + UUID.randomUUID().toString().substring(0, 8);
        name.clear();
        name.sendKeys(tenantName);
        new Select(driver.findElement(By.id("f-plan"))).selectByValue("free");
        WebElement region = driver.findElement(By.id("f-region"));
        region.clear();
        region.sendKeys("local");
        driver.findElement(By.id("f-admin_email")).sendKeys("owner@console.test");
        driver.findElement(By.id("create-submit")).click();

        // The tenant's page follows its provisioning without a reload, to active and every step finished.
        String tenantId = browser.await(QUICK, d -> {
            String url = d.getCurrentUrl();
            return url.contains("#/tenants/") ? url.substring(url.indexOf("#/tenants/") + "#/tenants/".length()) : null;
        });
        browser.await(SLOW, d -> "active".equals(attribute(d, "#tenant-status .badge", "data-status")) ? true : null);
        List<String> steps = browser.await(QUICK, d -> {
            WebElement provision = visible(d, By.cssSelector("#timeline .operation[data-status='succeeded']"));
            return provision == null ? null : provision.findElements(By.className("step")).stream()
                    .map(step -> step.getAttribute("data-step") + "=" + step.getAttribute("data-status")).toList();
        });
        assertThat(steps).contains("create-tenant-roles=done", "create-tenant-database=done", "activate-tenant=done",
                "invite-tenant-admin=done");
        assertThat(steps).allMatch(step -> step.endsWith("=done") || step.endsWith("=skipped") || step.endsWith("=warning"));
        // The page shows the status as soon as it has the tenant, its users and timeline once their own
        // calls are answered (users still as before the invitation step until then): read as they settle.
        String type = browser.await(QUICK, d -> {
            WebElement shown = visible(d, By.cssSelector("#timeline .operation .operation-type"));
            return shown == null ? null : shown.getText();
        });
        assertThat(type).isEqualTo("provision");
        assertThat(driver.findElement(By.id("tenant-name")).getText()).isEqualTo(tenantName);
        String usersShown = browser.await(QUICK, d -> {
            WebElement shown = visible(d, By.id("users"));
            return shown != null && shown.getText().contains("owner@console.test") ? shown.getText() : null;
        });
        assertThat(usersShown).contains("owner@console.test", "tenant_admin");
        browser.screenshot("console-04-tenant-active");
        ((JavascriptExecutor) driver).executeScript("document.getElementById('timeline').scrollIntoView()");
        browser.screenshot("console-05-timeline");

        // The table shows it active, and its filters pass it or not.
        driver.get(base + "/#/tenants?status=active&plan=free&region=local");
        WebElement row = browser.await(QUICK, d -> visible(d, By.cssSelector("tr[data-tenant-id='" + tenantId + "']")));
        assertThat(row.findElement(By.cssSelector(".tenant-status .badge")).getText()).isEqualTo("active");
        assertThat(row.getText()).contains(tenantName, "free", "local");
        browser.screenshot("console-06-tenants-filtered");
        new Select(driver.findElement(By.id("filter-plan"))).selectByValue("enterprise");
        driver.findElement(By.cssSelector(".filters button[type='submit']")).click();
        browser.await(QUICK, d -> d.getCurrentUrl().contains("plan=enterprise")
                && d.findElements(By.cssSelector("tr[data-tenant-id='" + tenantId + "']")).isEmpty() ? true : null);

        // Invite a user and take a backup from the tenant's page; the restore form offers that backup.
        driver.get(base + "/#/tenants/" + tenantId);
        browser.await(QUICK, d -> enabled(d, By.id("action-invite"))).click();
        driver.findElement(By.id("f-email")).sendKeys("dev@console.test");
        new Select(driver.findElement(By.id("f-role"))).selectByValue("developer");
        driver.findElement(By.id("invite-form-submit")).click();
        browser.await(QUICK, d -> {
            WebElement users = visible(d, By.id("users"));
            return users != null && users.getText().contains("dev@console.test") ? true : null;
        });
        driver.findElement(By.id("action-backup")).click();
        browser.await(SLOW, d -> visible(d, By.cssSelector("#backups tr[data-backup-id] .badge[data-status='succeeded']")));
        browser.await(QUICK, d -> enabled(d, By.id("action-restore"))).click();
        assertThat(new Select(driver.findElement(By.id("f-backup_id"))).getOptions()).hasSize(1);
        browser.screenshot("console-07-backup-and-restore-form");
        driver.findElement(By.cssSelector("#restore-form button.secondary")).click();

        // Paging follows the API's cursor: one row a page over two free tenants, forward and back.
        UUID other = service.activeTenant("free", null);
        driver.get(base + "/#/tenants?plan=free&limit=1");
        browser.await(QUICK, d -> rowIds(d).equals(List.of(tenantId)) ? true : null);
        browser.await(QUICK, d -> enabled(d, By.id("next-page"))).click();
        browser.await(QUICK, d -> rowIds(d).equals(List.of(other.toString())) ? true : null);
        assertThat(driver.findElement(By.id("next-page")).isEnabled()).isFalse();
        driver.findElement(By.id("previous-page")).click();
        browser.await(QUICK, d -> rowIds(d).equals(List.of(tenantId)) ? true : null);

        // Suspend from the tenant's page: the page, the API and pg_catalog agree.
        driver.get(base + "/#/tenants/" + tenantId);
        browser.await(QUICK, d -> enabled(d, By.id("action-suspend"))).click();
        // The reason is free text the page shows back: markup in it must stay text.
        String reason = "unpaid <b>invoice</b> <img src=x id=injected>";
        driver.findElement(By.id("f-reason")).sendKeys(reason);
        driver.findElement(By.id("suspend-form-submit")).click();
        browser.await(SLOW, d -> "suspended".equals(attribute(d, "#tenant-status .badge", "data-status")) ? true : null);
        browser.await(QUICK, d -> {
            WebElement newest = visible(d, By.cssSelector("#timeline .operation"));
            return newest != null && newest.getText().startsWith("suspend")
                    && "succeeded".equals(newest.getAttribute("data-status"))
                    && !newest.findElements(By.cssSelector(".step[data-status='done']")).isEmpty() ? true : null;
        });
        assertThat(driver.findElement(By.id("overview")).getText()).contains(reason);
        assertThat(driver.findElements(By.cssSelector("#overview b, #injected"))).isEmpty();
        browser.screenshot("console-08-tenant-suspended");
        assertThat(api.get("/api/v1/tenants/" + tenantId).body().get("status").asText()).isEqualTo("suspended");
        Catalog catalog = service.catalog();
        String rolePrefix = TenantNaming.databaseName(UUID.fromString(tenantId)) + "\\_%";
        assertThat(catalog.column("postgres", "SELECT rolname FROM pg_roles WHERE rolname LIKE ?", rolePrefix))
                .as("the tenant's roles, its invited user's login among them").hasSizeGreaterThanOrEqualTo(5);
        assertThat(catalog.column("postgres", "SELECT rolname FROM pg_roles WHERE rolname LIKE ? AND rolcanlogin",
                rolePrefix)).as("logins left after suspension").isEmpty();

        // Destroy with the wrong name: refused in the page, nothing sent, the tenant untouched.
        driver.findElement(By.id("action-destroy")).click();
        driver.findElement(By.id("f-confirm")).sendKeys(tenantName + " typo");
        driver.findElement(By.id("destroy-form-submit")).click();
        WebElement notConfirmed = browser.await(QUICK, d -> visible(d, By.cssSelector("#destroy-form .error")));
        assertThat(notConfirmed.getText()).contains("Not destroyed", "confirm");
        browser.screenshot("console-09-destroy-refused");
        assertThat(api.get("/api/v1/tenants/" + tenantId).body().get("status").asText()).isEqualTo("suspended");
        assertThat(api.get("/api/v1/operations?tenant_id=" + tenantId + "&type=destroy").body().get("items")).isEmpty();
        assertThat(catalog.databaseExists(TenantNaming.databaseName(UUID.fromString(tenantId)))).isTrue();
        driver.findElement(By.cssSelector("#destroy-form button.secondary")).click();
        driver.findElement(By.id("action-resume")).click();
        browser.await(SLOW, d -> "active".equals(attribute(d, "#tenant-status .badge", "data-status")) ? true : null);

        // The fleet's numbers, counted from the list APIs.
        driver.findElement(By.cssSelector("#nav a[data-nav='fleet']")).click();
        WebElement statusChart = browser.await(SLOW, d -> visible(d, By.cssSelector("#chart-status svg")));
        assertThat(statusChart.findElement(By.cssSelector("g.bar[data-label='active']")).getAttribute("data-value"))
                .isEqualTo(Integer.toString(api.get("/api/v1/tenants?status=active&limit=200").body().get("items").size()));
        assertThat(Integer.parseInt(driver.findElement(By.cssSelector("#tile-operations .tile-value")).getText()))
                .isGreaterThanOrEqualTo(5); // provision ×2, backup, suspend, resume
        assertThat(driver.findElements(By.cssSelector("#chart-hourly g.column"))).hasSize(25);
        browser.screenshot("console-10-fleet");
    }

    @Test
    void approvalStepsUsersAndARestoreReadWellAt1400Pixels() throws Exception {
        // Logged out, the page shows the login only: no navigation, no log-out.
        driver.get(base + "/");
        ((JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
        driver.navigate().refresh();
        WebElement token = browser.await(QUICK, d -> visible(d, By.id("token")));
        assertThat(driver.findElement(By.id("nav")).isDisplayed()).isFalse();
        assertThat(driver.findElements(By.cssSelector("#nav a")).stream().noneMatch(WebElement::isDisplayed)).isTrue();
        assertThat(driver.findElement(By.id("logout")).isDisplayed()).isFalse();
        browser.screenshot("console-11-login-without-navigation");
        token.sendKeys(RunningService.TOKEN);
        driver.findElement(By.id("login-submit")).click();
        browser.await(QUICK, d -> visible(d, By.id("tenants-body")));
        assertThat(driver.findElement(By.id("nav")).isDisplayed()).isTrue();

        // An enterprise tenant waits for approval: no role named yet, Approve and Reject offered.
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        JsonNode accepted = api.post("/api/v1/tenants", ("{\"tenant_name\":\"Console Enterprise %s\",\"plan\":\"enterprise\","
                + "\"region\":\"local\",\"admin_email\":\"a.very.long.address.for.the.layout.%s@enterprise-customer.example\"}")
                .formatted(suffix, suffix)).body();
        String tenantId = accepted.get("tenant_id").asText();
        driver.get(base + "/#/tenants/" + tenantId);
        browser.await(SLOW, d -> "awaiting_approval".equals(attribute(d, "#tenant-status .badge", "data-status")) ? true : null);
        browser.await(QUICK, d -> visible(d, By.id("roles-pending")));
        assertThat(driver.findElements(By.cssSelector("#roles tr"))).isEmpty();
        browser.await(QUICK, d -> "waiting".equals(textOf(d, "#timeline .step[data-step='await-approval'] .step-status")) ? true : null);
        assertThat(enabled(driver, By.id("action-approve"))).isNotNull();
        assertThat(enabled(driver, By.id("action-reject"))).isNotNull();
        assertThat(enabled(driver, By.id("action-suspend"))).isNull();
        browser.screenshot("console-12-awaiting-approval");

        driver.findElement(By.id("action-approve")).click();
        browser.await(QUICK, d -> visible(d, By.id("f-approved_by"))).sendKeys("ops@console.test");
        driver.findElement(By.id("f-note")).sendKeys("contract signed");
        driver.findElement(By.id("approve-form-submit")).click();
        assertThat(browser.await(QUICK, d -> visible(d, By.cssSelector("#action-result .notice"))).getText())
                .contains("approved", accepted.get("operation_id").asText());
        browser.await(SLOW, d -> "active".equals(attribute(d, "#tenant-status .badge", "data-status")) ? true : null);
        assertThat(api.get("/api/v1/audit?tenant_id=" + tenantId + "&action=approve-tenant").body()
                .at("/items/0/outcome").asText()).isEqualTo("202");
        browser.await(QUICK, d -> d.findElements(By.cssSelector("#roles tr")).size() == 5 ? true : null);

        // The steps: one column, read downwards in the order they ran.
        // Read in one go inside the wait: the page may redraw the timeline between two reads.
        List<int[]> steps = browser.await(QUICK, d -> {
            WebElement provision = visible(d, By.cssSelector("#timeline .operation[data-status='succeeded']"));
            if (provision == null) {
                return null;
            }
            List<int[]> read = new java.util.ArrayList<>();
            for (WebElement step : provision.findElements(By.className("step"))) {
                read.add(new int[] {step.getRect().getX(), step.getRect().getY(),
                        Integer.parseInt(step.findElement(By.className("step-number")).getText())});
            }
            return read;
        });
        assertThat(steps).hasSizeGreaterThan(5);
        for (int i = 1; i < steps.size(); i++) {
            assertThat(steps.get(i)[0]).as("same column").isEqualTo(steps.get(0)[0]);
            assertThat(steps.get(i)[1]).as("below the one before").isGreaterThan(steps.get(i - 1)[1]);
            assertThat(steps.get(i)[2]).isEqualTo(i + 1);
        }
        ((JavascriptExecutor) driver).executeScript("document.querySelector('#timeline .operation[data-status=\\'succeeded\\']').scrollIntoView()");
        browser.screenshot("console-13-approved-steps-timeline");

        // Users: every column inside its card, the database user on one line; the invitation link on demand.
        browser.await(QUICK, d -> visible(d, By.cssSelector("#users table button[data-action='invitation-link']")));
        // Measured in one script: the page may redraw the table between two reads from here.
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> layout = (java.util.Map<String, Object>) ((JavascriptExecutor) driver).executeScript("""
                const table = document.querySelector('#users table');
                const card = document.getElementById('users').parentElement.getBoundingClientRect();
                const right = element => element.getBoundingClientRect().right;
                return {cardLeft: card.left, cardRight: card.right, tableRight: right(table),
                  headersRight: Math.max(...[...table.querySelectorAll('th')].map(right)),
                  databaseUserLines: (() => { const range = document.createRange();
                    range.selectNodeContents(table.querySelector('tbody td.mono')); return range.getClientRects().length; })()};""");
        double cardRight = ((Number) layout.get("cardRight")).doubleValue();
        assertThat(((Number) layout.get("tableRight")).doubleValue()).as("table inside its card").isLessThanOrEqualTo(cardRight);
        assertThat(((Number) layout.get("headersRight")).doubleValue()).as("every column header inside").isLessThanOrEqualTo(cardRight);
        assertThat(((Number) layout.get("databaseUserLines")).intValue()).as("the database user on one line").isEqualTo(1);
        browser.await(QUICK, d -> {
            WebElement linkButton = d.findElement(By.cssSelector("#users button[data-action='invitation-link']"));
            scrollTo(linkButton);
            linkButton.click();
            return true;
        });
        WebElement link = browser.await(QUICK, d -> visible(d, By.id("invitation-link")));
        assertThat(link.getText()).contains("/api/v1/invitations/").doesNotContain("password");
        io.onboarding.support.SecretsSeen.record(link.getText().substring(link.getText().lastIndexOf('/') + 1));
        ((JavascriptExecutor) driver).executeScript("document.getElementById('users').scrollIntoView({block: 'center'})");
        browser.screenshot("console-14-users");

        // A restore into a new database: the operation names it, inside its card.
        String backup = service.awaitOperation(api.post("/api/v1/tenants/" + tenantId + "/backups", "").body()
                .get("operation_id").asText()).at("/result/backup_id").asText();
        JsonNode restore = service.awaitOperation(api.post("/api/v1/tenants/" + tenantId + "/restore",
                "{\"backup_id\":\"" + backup + "\"}").body().get("operation_id").asText());
        String database = restore.at("/result/database").asText();
        driver.navigate().refresh();
        String shown = browser.await(SLOW, d -> {
            WebElement result = visible(d, By.cssSelector("#timeline .operation-result[data-database='" + database + "']"));
            if (result == null) {
                return null;
            }
            assertInside(result, d.findElement(By.id("timeline")));
            scrollTo(result);
            return result.getText();
        });
        assertThat(shown).contains("Restored into a new database", database);
        browser.screenshot("console-15-restored-database");
        ((JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
    }

    private static void assertInside(WebElement element, WebElement container) {
        org.openqa.selenium.Rectangle inner = element.getRect();
        org.openqa.selenium.Rectangle outer = container.getRect();
        assertThat(inner.getX() + inner.getWidth()).as("right edge of %s", element.getTagName())
                .isLessThanOrEqualTo(outer.getX() + outer.getWidth());
        assertThat(inner.getX()).isGreaterThanOrEqualTo(outer.getX());
    }

    private static void scrollTo(WebElement element) {
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
    }

    private static String textOf(WebDriver d, String css) {
        List<WebElement> found = d.findElements(By.cssSelector(css));
        return found.isEmpty() ? null : found.get(0).getText();
    }

    private static String sessionToken() {
        return (String) ((JavascriptExecutor) driver)
                .executeScript("return sessionStorage.getItem('onboarding.token')");
    }

    private static List<String> rowIds(WebDriver d) {
        return d.findElements(By.cssSelector("tr[data-tenant-id]")).stream()
                .map(row -> row.getAttribute("data-tenant-id")).toList();
    }

    private static WebElement visible(WebDriver d, By by) {
        return d.findElements(by).stream().filter(WebElement::isDisplayed).findFirst().orElse(null);
    }

    private static WebElement enabled(WebDriver d, By by) {
        WebElement element = visible(d, by);
        return element != null && element.isEnabled() ? element : null;
    }

    private static String attribute(WebDriver d, String css, String name) {
        List<WebElement> found = d.findElements(By.cssSelector(css));
        return found.isEmpty() ? null : found.get(0).getAttribute(name);
    }
}
