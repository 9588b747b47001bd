package io.leakguard.cleanup;

import static io.leakguard.testing.Fixtures.single;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.loader.LeakGuardClassLoader;
import io.leakguard.testing.EmbeddedTomcat;
import io.leakguard.testing.Gc;
import io.leakguard.testing.LogCapture;
import io.leakguard.testing.ServerStarted;
import java.lang.ref.WeakReference;
import java.util.regex.Pattern;
import org.apache.catalina.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An HttpClient keeps the ProxySelector it was built with. When that selector is another application's, the client
 * is left alone and named; when the client is the stopping application's own, it lets go of the selector.
 */
@ExtendWith(ServerStarted.class)
class HttpClientProxySelectorsTest {

    private static final String SERVLET = "io.leakguard.fixture.jvmregistrations.JvmRegistrationsServlet";
    private static final int JAVA = Runtime.version().feature();

    /**
     * Until Java 24 leakguard recognises the application's own client by its selector thread, and on every Java
     * release by the static field the application keeps it in. Left open, the client must let go of the selector, or
     * the application and its client would hold each other for good; and from Java 20 on, closed too, since the
     * JDK's Cleaner holds the client for as long as the application's field does.
     */
    @ParameterizedTest
    @CsvSource({"proxyselector, httpclient", "httpclientproxied, httpclientproxied"})
    void theWebappsOwnClientLetsGoOfItsSelector(String first, String then) throws Exception {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(); LogCapture log = LogCapture.start()) {
            Context a = tomcat.deploy("jvm-registrations", "/a", true);
            tomcat.get("/a/leak?kind=" + first);
            tomcat.get("/a/leak?kind=" + then);
            WeakReference<ClassLoader> aLoader = tomcat.undeploy(a);

            String warning = single(log.warnings("/a").stream().filter(w -> w.contains("HttpClient leak")).toList());
            assertTrue(warning.contains(JAVA < 24 ? "java.net.http.HttpClient built by the application"
                    : "java.net.http.HttpClient kept in static field " + SERVLET + ".client, holding ProxySelector "
                            + SERVLET + "$NoProxies@"), warning);
            assertTrue(warning.contains("; ProxySelector " + SERVLET + "$NoProxies@"), warning);
            assertTrue(warning.contains(" replaced by sun.net.spi.DefaultProxySelector@"), warning);
            assertTrue(Gc.collected(aLoader), log.all());
            assertTrue(log.warnings("/a").stream().noneMatch(w -> w.contains("ProxySelector leak")), log.all());
        }
    }

    /** Warned about only, the application's own client is one leak with one warning, not one per check. */
    @Test
    void theWebappsOwnClientIsReportedOnceWhenOnlyWarnedAbout() {
        LeakGuardClassLoader.setPolicy(Policy.defaults().with("httpClients", Mode.WARN));
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(); LogCapture log = LogCapture.start()) {
            Context a = tomcat.deploy("jvm-registrations", "/a", true);
            tomcat.get("/a/leak?kind=httpclientproxied");
            WeakReference<ClassLoader> aLoader = tomcat.undeploy(a);

            String warning = single(log.warnings("/a").stream()
                    .filter(w -> w.contains("HttpClient leak") || w.contains("ProxySelector leak")).toList());
            assertTrue(warning.contains("HttpClient leak") && warning.endsWith("httpClients=warn"), warning);
            assertTrue(Gc.leaked(aLoader), log.all());
            Report late = CleanupEngine.standard().clean(aLoader.get(), "/a", Policy.defaults());
            assertTrue(Gc.collected(aLoader), late.findings()::toString);
        }
    }

    /** With {@code httpClients} off, the application's own client is named by how it came to keep the selector. */
    @ParameterizedTest
    @CsvSource({"proxyselector, httpclient, kept by a java.net.http.HttpClient built at",
            "httpclientproxied, httpclientproxied, given to a java.net.http.HttpClient built at"})
    void withoutTheHttpClientsCheckTheSelectorIsNamed(String first, String then, String named) {
        LeakGuardClassLoader.setPolicy(Policy.defaults().with("httpClients", Mode.OFF));
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(); LogCapture log = LogCapture.start()) {
            Context a = tomcat.deploy("jvm-registrations", "/a", true);
            tomcat.get("/a/leak?kind=" + first);
            tomcat.get("/a/leak?kind=" + then);
            WeakReference<ClassLoader> aLoader = tomcat.undeploy(a);

            assertTrue(single(log.warnings("/a").stream().filter(w -> w.contains("ProxySelector leak")).toList())
                    .contains(named + " " + SERVLET + ".register("), log.all());
            assertTrue(Gc.leaked(aLoader), log.all());
            Report late = CleanupEngine.standard().clean(aLoader.get(), "/a", Policy.defaults());
            assertTrue(Gc.collected(aLoader), late.findings()::toString);
        }
    }

    @Test
    void anotherWebappsClientKeepsTheSelectorAndIsNamedUntilItIsClosed() {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(); LogCapture log = LogCapture.start()) {
            Context a = tomcat.deploy("jvm-registrations", "/a", true);
            Context b = tomcat.deploy("jvm-registrations", "/b", true);
            tomcat.get("/a/leak?kind=proxyselector");
            tomcat.get("/b/leak?kind=httpclient");
            WeakReference<ClassLoader> aLoader = tomcat.undeploy(a);

            assertTrue(Gc.leaked(aLoader), "B's client no longer keeps A's selector: " + log.all());
            String warning = single(log.warnings("/a").stream().filter(w -> w.contains("ProxySelector leak")).toList());
            assertTrue(warning.matches(Pattern.quote("WARNING leakguard: [/a] ProxySelector leak: ProxySelector "
                    + SERVLET + "$NoProxies@") + "\\p{XDigit}+" + Pattern.quote(" kept by a java.net.http.HttpClient"
                    + " built at " + SERVLET + ".register(JvmRegistrationsServlet.java:") + "\\d+\\) while it was the"
                    + " JVM-wide default; held through HttpClientImpl.proxySelector; on thread \\[HttpClient-\\d+"
                    + "-SelectorManager]; not fixed: left in place because leakguard setting"
                    + " httpClientProxySelectors=warn"), warning);

            WeakReference<ClassLoader> bLoader = tomcat.undeploy(b);
            assertTrue(Gc.collected(bLoader), log.all());
            assertTrue(Gc.collected(aLoader), "A outlived B's client: " + log.all());
        }
    }
}
