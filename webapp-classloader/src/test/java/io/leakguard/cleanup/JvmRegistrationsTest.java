package io.leakguard.cleanup;

import static io.leakguard.testing.Fixtures.single;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.leakguard.loader.LeakGuardClassLoader;
import io.leakguard.testing.Fixtures;
import io.leakguard.testing.Gc;
import io.leakguard.testing.ServerStarted;
import java.lang.ref.WeakReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * JVM-wide registrations a webapp leaves behind, one kind per request of the {@code jvm-registrations} fixture: each
 * leaks on stock Tomcat and is collected with leakguard. Tomcat does unexport RMI objects, but only those exported
 * under the webapp's context class loader; the fixture exports under the server's, as a library's own thread would,
 * so stock Tomcat really leaks it. The resource bundle is held softly: it would go once memory runs short, but no
 * number of full collections before that frees it, which is what a leak looks like to an operator watching Metaspace.
 */
@ExtendWith(ServerStarted.class)
class JvmRegistrationsTest {

    private static final String SERVLET = "io.leakguard.fixture.jvmregistrations.JvmRegistrationsServlet$";
    private static final String CLIENT_FIELD = "io.leakguard.fixture.jvmregistrations.JvmRegistrationsServlet.client";
    private static final String SINGLETON_CLIENT_FIELD =
            "io.leakguard.fixture.jvmregistrations.JvmRegistrationsServlet.api.client";
    private static final String REGISTRY_CLIENT =
            "io.leakguard.fixture.jvmregistrations.JvmRegistrationsServlet.CLIENTS value for key \"partner\"";
    private static final int JAVA = Runtime.version().feature();
    /** Between two parts of what a warning must say that an identity hash code separates. */
    private static final String AND = " … ";
    /** The end of the chain an SSL default reaches the application through: the trust manager the JDK wrapped. */
    private static final String SSL_CONTEXT_TRUSTING = "-> AbstractTrustManagerWrapper.tm " + SERVLET
            + "TrustEveryone@";
    private static final String SSL_DEFAULT_RESET = "; fixed: reset to none: the JDK makes its own default again on"
            + " next use";

    /**
     * The fixture's kind, then what the warning must say: leak kind and thing, then the action taken, in parts joined
     * by {@link #AND} where an identity hash code in the warning comes between them.
     */
    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of("hook", "ShutdownHook leak: shutdown hook thread [jvm-registrations-hook]",
                        "fixed: removed from the JVM's shutdown hooks and run now: it finished"),
                Arguments.of("provider", "SecurityProvider leak: security provider [LeakGuardFixture] " + SERVLET
                        + "FixtureProvider@", "fixed: removed with Security.removeProvider"),
                Arguments.of("mbean", "MBean leak: MBean [io.leakguard.fixture:type=Counter]", "fixed: unregistered"),
                Arguments.of("uncaught", "UncaughtExceptionHandler leak: default uncaught exception handler "
                        + SERVLET + "LastWords@", "fixed: reset to none"),
                Arguments.of("authenticator", "NetDefault leak: default Authenticator " + SERVLET + "Credentials@",
                        "fixed: Authenticator.setDefault(null)"),
                Arguments.of("proxyselector", "NetDefault leak: default ProxySelector " + SERVLET + "NoProxies@",
                        "fixed: ProxySelector.setDefault(sun.net.spi.DefaultProxySelector@"),
                Arguments.of("cookiehandler", "NetDefault leak: default CookieHandler " + SERVLET + "Cookies@",
                        "fixed: CookieHandler.setDefault(null)"),
                Arguments.of("responsecache", "NetDefault leak: default ResponseCache " + SERVLET + "NoCache@",
                        "fixed: ResponseCache.setDefault(null)"),
                Arguments.of("filenamemap", "NetDefault leak: default FileNameMap " + SERVLET + "ExtraContentTypes@",
                        "fixed: URLConnection.setFileNameMap(null)"),
                Arguments.of("julhandler", "LoggingHandler leak: handler " + SERVLET + "AuditHandler@",
                        "on logger(s) [global]; fixed: removed from the logger(s) and closed"),
                Arguments.of("bundle", "JdkCache leak: 1 resource bundle(s) of the application in the ResourceBundle"
                        + " cache", "fixed: ResourceBundle.clearCache(web application loader)"),
                Arguments.of("rmi", "RmiExport leak: remote object " + SERVLET + "Hello@",
                        "fixed: unexported"),
                Arguments.of("sysout", "SystemStream leak: System.out replaced by java.io.PrintStream@",
                        "held through FilterOutputStream.out " + SERVLET + "CountingOutput@" + AND
                                + "; fixed: System.setOut("),
                Arguments.of("sysin", "SystemStream leak: System.in replaced by " + SERVLET + "ScriptedInput@",
                        "fixed: System.setIn("),
                Arguments.of("hostnameverifier", "HttpsDefault leak: default HostnameVerifier " + SERVLET + "AnyHost@",
                        "fixed: HttpsURLConnection.setDefaultHostnameVerifier(javax.net.ssl.HttpsURLConnection"
                                + "$DefaultHostnameVerifier@"),
                Arguments.of("sslsocketfactory", "HttpsDefault leak: HttpsURLConnection's default SSLSocketFactory"
                        + " sun.security.ssl.SSLSocketFactoryImpl@", SSL_CONTEXT_TRUSTING + AND + SSL_DEFAULT_RESET),
                Arguments.of("sslcontext", "HttpsDefault leak: default SSLContext javax.net.ssl.SSLContext@",
                        SSL_CONTEXT_TRUSTING + AND + SSL_DEFAULT_RESET),
                Arguments.of("gclistener", "NotificationListener leak: notification listener " + SERVLET
                        + "AllocationCounter@", "on MXBean(s) [java.lang:name=" + AND + ",type=GarbageCollector]"
                        + AND + "; fixed: removed with removeNotificationListener"),
                Arguments.of("gclistenerbyname", "NotificationListener leak: notification listener " + SERVLET
                        + "AllocationCounter@", "on MXBean(s) [java.lang:name=" + AND + ",type=GarbageCollector]"
                        + AND + "; fixed: removed with removeNotificationListener"),
                Arguments.of("registrationlistener", "NotificationListener leak: notification listener " + SERVLET
                        + "RegistrationWatch@", " on MBean(s) [JMImplementation:type=MBeanServerDelegate]; fixed:"
                        + " removed with removeNotificationListener"),
                Arguments.of("jaas", "JaasConfiguration leak: JAAS login configuration " + SERVLET + "ClientLogin@",
                        " installed JVM-wide; fixed: reset to none: the JDK makes its own default again on next use"),
                Arguments.of("serialfilter", "SerialFilter leak: JVM-wide deserialization filter " + SERVLET
                        + "OwnClassesOnly@", "; fixed: the server's put back: none"),
                Arguments.of("jdbclogwriter", "JdbcLogWriter leak: DriverManager log writer java.io.PrintWriter@",
                        "held through PrintWriter.out " + SERVLET + "AuditWriter@" + AND + "; fixed: DriverManager"
                                + ".setLogWriter(null): JDBC logging is off, as by default"),
                Arguments.of("signal", "SignalHandler leak: handler " + SERVLET + "ReloadOnHangup@", " of signal"
                        + " SIGHUP; fixed: the server's handler put back: java.lang.Terminator$1@"),
                Arguments.of("imageio", "ImageIoPlugin leak: ImageIO plugin io.leakguard.fixture.jvmregistrations."
                        + "FixtureImageReaderSpi@",
                        "in the JVM-wide IIORegistry; fixed: deregistered from every category"),
                Arguments.of("classvalue", "ClassValue leak: value " + SERVLET + "Description@", " that ClassValue "
                        + SERVLET + "Descriptions computed for class java.lang.String, which that class keeps as long"
                        + " as the ClassValue lives; fixed: removed as ClassValue.remove(java.lang.String) does,"
                        + " without the ClassValue's own remove"),
                Arguments.of("httpclient", "HttpClient leak: java.net.http.HttpClient built by the application",
                        JAVA >= 21 ? "fixed: client shut down with shutdownNow()"
                                : "fixed: context class loader of its selector thread set to the parent loader"),
                ownClient("httpclientauthenticated", CLIENT_FIELD, "Authenticator " + SERVLET + "Credentials@"),
                ownClient("httpclientexecutor", CLIENT_FIELD, "Executor " + SERVLET + "Inline@"),
                ownClient("httpclientsingleton", SINGLETON_CLIENT_FIELD, "Authenticator " + SERVLET + "Credentials@"),
                ownClient("httpclientregistry", REGISTRY_CLIENT, "Authenticator " + SERVLET + "Credentials@"),
                Arguments.of("httpclientshutdown", "HttpClient leak: java.net.http.HttpClient kept in static field "
                        + CLIENT_FIELD + ", holding the java.io.IOException it was stopped with, thrown in the"
                        + " application's code; held through the JDK's Cleaner, until the client is unreachable",
                        "fixed: the java.io.IOException it was stopped with, whose stack held the application's"
                                + " classes, replaced by one without them"))
                .filter(kind -> JAVA < 24 || !kind.get()[0].equals("httpclient"))
                .filter(kind -> JAVA >= 21 || !kind.get()[0].equals("httpclientshutdown"));
    }

    /**
     * A client the fixture keeps in a static field and that holds an object of the application: recognised by its
     * selector thread before Java 24, by the field from then on, and shut down where Java can.
     */
    private static Arguments ownClient(String kind, String field, String holding) {
        return Arguments.of(kind, "HttpClient leak: java.net.http.HttpClient " + (JAVA < 24
                ? "built by the application" : "kept in static field " + field + ", holding " + holding),
                (JAVA >= 21 ? "fixed: client shut down with shutdownNow()"
                        : "the access control context it inherited from the application replaced") + "; " + holding);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void leaksOnStockTomcat(String kind) {
        Fixtures.stock("jvm-registrations", "/leak?kind=" + kind, (loader, log) -> {
            assertTrue(Gc.leaked(loader), kind);
            undo(loader);
        });
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void isCollectedWithLeakGuard(String kind, String leak, String action) {
        LeakGuardClassLoader.setPolicy(Policy.defaults().with("shutdownHooks", Mode.FIX));
        Fixtures.guarded("jvm-registrations", "/leak?kind=" + kind, (loader, log) -> {
            assertTrue(Gc.collected(loader), log.all());
            String warning = single(log.warnings("/app"));
            assertTrue(warning.contains("leakguard: [/app] " + leak), warning);
            for (String fragment : action.split(AND)) {
                assertTrue(warning.contains(fragment), warning);
            }
        });
    }

    /**
     * Java 19 gave an HttpClient's selector thread the system class loader and Java 24 dropped the access control
     * context threads inherited: from then on a client cannot pin the webapp. Fails, and so says so, if that changes.
     */
    @Test
    void httpClientNoLongerPinsItsWebappFromJava24() {
        assumeTrue(JAVA >= 24);
        Fixtures.stock("jvm-registrations", "/leak?kind=httpclient", (loader, log) -> assertTrue(Gc.collected(loader)));
    }

    @Test
    void shutdownHookIsOnlyReportedByDefault() {
        Fixtures.guarded("jvm-registrations", "/leak?kind=hook", (loader, log) -> {
            assertTrue(Gc.leaked(loader));
            assertTrue(single(log.warnings("/app")).endsWith(
                    "not fixed: left in place because leakguard setting shutdownHooks=warn"), log.all());
            undo(loader);
        });
    }

    /** Takes the leaked registration back, so that it cannot disturb the tests that follow in this JVM. */
    private static void undo(WeakReference<ClassLoader> loader) {
        // Tomcat has closed the loader by now, so no class can be defined in it: the JDBC check has nothing to do.
        Report report = CleanupEngine.standard().clean(loader.get(), "/app",
                Policy.defaults().with("shutdownHooks", Mode.FIX).with("jdbcDrivers", Mode.OFF));
        assertTrue(report.findings().stream().allMatch(f -> f.outcome() == Outcome.FIXED), report.findings()::toString);
        assertTrue(Gc.collected(loader), report.findings()::toString);
    }
}
