package io.leakguard.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.cleanup.Policy;
import io.leakguard.findleaks.LeakDetectorJmx;
import io.leakguard.loader.LeakGuardClassLoader;
import io.leakguard.testing.EmbeddedTomcat;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import javax.management.JMException;
import javax.management.ObjectName;
import org.apache.catalina.Context;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The admin application in a server with the listener, run with -XX:+DisableExplicitGC (see the admin-endpoint
 * execution in the pom), where Tomcat's own Find leaks lists applications that a collection would free. Three fixtures
 * leak with leakguard's fixes switched off, a fourth is the clean control; all are used over HTTP and undeployed
 * before the first request to the endpoint.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminEndpointTest {

    private static final List<String> LEAKING = List.of("/tl", "/thread", "/jdbc");
    private static final String TEXT = "/leakguard/text/findleaks";
    private static final String HTML = "/leakguard/html/findleaks";

    private static EmbeddedTomcat tomcat;
    private static Context admin;

    @BeforeAll
    static void leakThreeApplicationsAndStopACleanOne() {
        LeakPreventionListener listener = new LeakPreventionListener();
        listener.setProperty("threadLocals", "warn");
        listener.setProperty("threads", "warn");
        listener.setProperty("jdbcDrivers", "off");
        listener.setProperty("renewal", "off");
        listener.setProperty("findLeaksWatchdogSeconds", "0");
        tomcat = EmbeddedTomcat.start(listener);
        tomcat.addUser("script", AdminClient.PASSWORD, "manager-script");
        tomcat.addUser("gui", AdminClient.PASSWORD, "manager-gui");
        tomcat.addUser("visitor", AdminClient.PASSWORD, "manager-status");
        admin = tomcat.deploy(AdminClient.war(), "/leakguard", null);
        useAndUndeploy("threadlocal-value", "/tl", "/leak");
        useAndUndeploy("thread-spawned", "/thread", "/leak");
        // A driver loaded through the application's own loader: Tomcat's clearReferencesJdbc does not see it.
        useAndUndeploy("jdbc-driver", "/jdbc", "/leak?loader=own");
        useAndUndeploy("clean", "/clean", "/leak");
    }

    @AfterAll
    static void stop() {
        if (tomcat != null) {
            tomcat.close();
        }
        LeakGuardClassLoader.setPolicy(Policy.defaults());
    }

    @Test
    @Order(1)
    void tenConcurrentRequestsCostOneCheckAndAllListExactlyTheLeakingApplications() throws Exception {
        long checksBefore = checkCount();
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<String>>> requests = IntStream.range(0, 10)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                    await(start);
                    return script().get(TEXT);
                })).toList();
        start.countDown();

        for (CompletableFuture<HttpResponse<String>> request : requests) {
            HttpResponse<String> response = request.get();
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(LEAKING, listed(response.body()), response.body());
        }
        assertEquals(checksBefore + 1, checkCount(), "one check for ten requests");
    }

    @Test
    @Order(2)
    void eachLineNamesTheApplicationItsVersionStopTimeAndClassesAndARepeatIsCachedAndSaysSo()
            throws Exception {
        long checksBefore = checkCount();

        HttpResponse<String> response = script().get(TEXT);

        String[] lines = response.body().split("\n");
        assertEquals("OK - Found potential memory leaks in the following applications:", lines[0]);
        assertTrue(lines[1].matches("/tl - version: none, stopped: \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z, "
                + "classes kept loaded: \\d+"), lines[1]);
        assertTrue(lines[lines.length - 1].startsWith("(cached result of the check that ended at "), response.body());
        assertTrue(lines[lines.length - 1].endsWith("a new check runs at most every 10 s)"), response.body());
        assertTrue(response.headers().firstValue("Age").isPresent(), response.headers().toString());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
        // Plain text, never a page: the report quotes names the web applications chose.
        assertEquals("text/plain;charset=UTF-8", response.headers().firstValue("Content-Type").orElse(""));
        assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertEquals(checksBefore, checkCount(), "a request within the interval must not check again");
    }

    @Test
    @Order(3)
    void explainNamesWhatHoldsEachApplication() {
        Map<String, String> explained = explanations(script().get(TEXT + "?explain=true").body());

        assertEquals(LEAKING, List.copyOf(explained.keySet()), explained.toString());
        assertTrue(explained.get("/tl").contains("-> Thread.threadLocals = "), explained.get("/tl"));
        assertTrue(explained.get("/tl").contains("leak kind: ThreadLocal (Thread.threadLocals)"),
                explained.get("/tl"));
        // The thread is of the application's own class: the root itself holds the application.
        String thread = explained.get("/thread");
        assertTrue(thread.contains("leak kind: running thread\n    GC root: live thread \"spawned-waiter\" "
                + "io.leakguard.fixture.threadspawned.SpawnedThreadServlet$1@"), thread);
        assertTrue(explained.get("/jdbc").contains("-> static DriverManager.registeredDrivers = "),
                explained.get("/jdbc"));
        assertTrue(explained.get("/jdbc").contains("leak kind: JDBC driver in DriverManager's list"),
                explained.get("/jdbc"));
        explained.values().forEach(chain -> assertTrue(chain.contains("<== cut this reference"), chain));
    }

    @Test
    @Order(4)
    void jsonSaysTheSame() {
        HttpResponse<String> response = script().get(TEXT + "?format=json&explain=true");

        assertEquals("application/json;charset=UTF-8", response.headers().firstValue("Content-Type").orElse(""));
        // Else a browser may take a report that quotes a class name like "<html>" for a page of its own.
        assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(""));
        String json = response.body();
        assertTrue(json.startsWith("{\"status\": \"OK\", \"checked\": \""), json);
        List<String> webapps = Pattern.compile("\"webapp\": \"([^\"]*)\"").matcher(json).results()
                .map(m -> m.group(1)).toList();
        assertEquals(LEAKING, webapps, json);
        assertTrue(json.contains("\"via\": \"Thread.threadLocals\""), json);
        assertTrue(json.contains("\"via\": \"static DriverManager.registeredDrivers\""), json);
        assertTrue(json.contains("\"cut\": true"), json);
    }

    @Test
    @Order(5)
    void strangersGet401AndOtherRolesGet403AndNothingElse() {
        assertRefused(401, new AdminClient(tomcat.port(), null).get(TEXT));
        assertRefused(401, new AdminClient(tomcat.port(), null).get(HTML));
        assertRefused(403, new AdminClient(tomcat.port(), "visitor").get(TEXT + "?format=json"));
        assertRefused(403, gui().get(TEXT));
        assertRefused(403, script().get(HTML));
    }

    @Test
    @Order(6)
    void thePageChecksOnlyOnAPostWithItsToken() {
        AdminClient browser = gui();
        HttpResponse<String> page = browser.get(HTML);
        assertEquals(200, page.statusCode(), page.body());
        assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElse(""));
        assertEquals("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
                page.headers().firstValue("Content-Security-Policy").orElse(""));
        Matcher token = Pattern.compile("name=\"leakguardToken\" value=\"([A-Za-z0-9_-]{43})\"").matcher(page.body());
        assertTrue(token.find(), page.body());

        assertRefused(403, browser.post(HTML, ""));
        assertRefused(403, browser.post(HTML, "leakguardToken=" + "A".repeat(43)));
        // Another browser: its session has a token of its own, if any, never this one.
        assertRefused(403, gui().post(HTML, "leakguardToken=" + token.group(1)));

        HttpResponse<String> result = browser.post(HTML, "leakguardToken=" + token.group(1));
        assertEquals(200, result.statusCode(), result.body());
        String html = result.body();
        assertTrue(html.contains("OK - Found potential memory leaks in the following applications:"), html);
        for (String webapp : LEAKING) {
            assertTrue(html.contains("<li><strong>" + webapp + " - version: none, stopped: "), html);
        }
        assertFalse(html.contains("/clean"), html);
        assertTrue(html.contains("-&gt; Thread.threadLocals = "), html);
        assertTrue(html.contains("&quot;spawned-waiter&quot;"), "chains are escaped: " + html);
    }

    @Test
    @Order(7)
    void theAdminApplicationItselfIsCollectedWhenUndeployed() throws JMException {
        tomcat.undeploy(admin);
        admin = null;

        String[] leaks = (String[]) ManagementFactory.getPlatformMBeanServer()
                .invoke(new ObjectName(LeakDetectorJmx.NAME), "findLeaks", new Object[0], new String[0]);

        assertEquals(LEAKING, Arrays.stream(leaks).map(line -> line.split(" ")[0]).toList(), Arrays.toString(leaks));
    }

    private static void useAndUndeploy(String fixture, String path, String request) {
        Context context = tomcat.deployPlain(fixture, path);
        for (int i = 0; i < 4; i++) {
            tomcat.get(path + request);
        }
        tomcat.undeploy(context);
    }

    private static AdminClient script() {
        return new AdminClient(tomcat.port(), "script");
    }

    private static AdminClient gui() {
        return new AdminClient(tomcat.port(), "gui");
    }

    private static void assertRefused(int status, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertFalse(response.body().contains("OK - ") || response.body().contains("/tl"), response.body());
    }

    /** The applications a text answer lists: the lines that start with a context name. */
    private static List<String> listed(String text) {
        return text.lines().filter(line -> line.startsWith("/")).map(line -> line.split(" ")[0]).toList();
    }

    /** Each listed application with the indented lines under it. */
    private static Map<String, String> explanations(String text) {
        Map<String, String> explained = new LinkedHashMap<>();
        String current = null;
        for (String line : text.lines().toList()) {
            if (line.startsWith("/")) {
                current = line.split(" ")[0];
                explained.put(current, "");
            } else if (current != null && line.startsWith("  ")) {
                explained.merge(current, line + "\n", String::concat);
            }
        }
        return explained;
    }

    private static long checkCount() throws JMException {
        return (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(new ObjectName(LeakDetectorJmx.NAME),
                "CheckCount");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
