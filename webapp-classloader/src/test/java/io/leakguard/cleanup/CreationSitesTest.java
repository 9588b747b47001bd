package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.loader.LeakGuardClassLoader;
import io.leakguard.testing.Fixtures;
import io.leakguard.testing.Gc;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each instrumented kind on a real Tomcat: the warning names the fixture's source line that made the leak. */
class CreationSitesTest {

    private static final String REGISTRATIONS = "io.leakguard.fixture.jvmregistrations.JvmRegistrationsServlet";
    private static final int JAVA = Runtime.version().feature();

    @AfterEach
    void restoreDefaults() {
        LeakGuardClassLoader.setPolicy(Policy.defaults());
    }

    /**
     * The fixture and request, the warning to pick, then the class, method and source text of the line that made
     * the leak; the line number is read from the fixture's source, so an edit there cannot make this pass wrongly.
     */
    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of("thread-spawned", "/leak", "] Thread leak: ",
                        "thread-spawned", "io.leakguard.fixture.threadspawned.SpawnedThreadServlet", "doGet",
                        "waiter.start();"),
                Arguments.of("timer-own", "/leak", "] Timer leak: ",
                        "timer-own", "io.leakguard.fixture.timerown.ReportServlet", "<clinit>",
                        "TIMER = new Timer();"),
                Arguments.of("threadlocal-static", "/leak", "ThreadLocal leak: ThreadLocal java.lang.ThreadLocal@",
                        "threadlocal-static", "io.leakguard.fixture.threadlocalstatic.StaticThreadLocalServlet",
                        "doGet", "LAST_VISIT.set(new Visit());"),
                Arguments.of("threadlocal-static", "/leak", "ThreadLocal leak: ThreadLocal java.lang.ThreadLocal$Supp",
                        "threadlocal-static", "io.leakguard.fixture.threadlocalstatic.StaticThreadLocalServlet",
                        "<clinit>", "ThreadLocal.withInitial(Visit::new);"),
                Arguments.of("threadlocal-custom", "/leak", "] ThreadLocal leak: ",
                        "threadlocal-custom",
                        "io.leakguard.fixture.threadlocalcustom.CustomThreadLocalServlet$CounterThreadLocal", "<init>",
                        "class CounterThreadLocal extends ThreadLocal<Counter> {"),
                Arguments.of("threadlocal-created", "/leak?kind=anonymous", "] ThreadLocal leak: ",
                        "threadlocal-created", "io.leakguard.fixture.threadlocalcreated.CreatedThreadLocalServlet$1",
                        "<init>", "FIRST_VISIT = new ThreadLocal<>() {"),
                Arguments.of("threadlocal-created", "/leak?kind=inheritable", "] ThreadLocal leak: ",
                        "threadlocal-created", "io.leakguard.fixture.threadlocalcreated.CreatedThreadLocalServlet",
                        "<clinit>", "new InheritableThreadLocal<>();"),
                Arguments.of("executor", "/leak", "with 2 live thread(s) (pool-",
                        "executor", "io.leakguard.fixture.executor.ExecutorServlet", "<clinit>",
                        "Executors.newFixedThreadPool(2);"),
                Arguments.of("executor", "/leak", "java.util.concurrent.ScheduledThreadPoolExecutor@",
                        "executor", "io.leakguard.fixture.executor.ExecutorServlet", "<clinit>",
                        "Executors.newSingleThreadScheduledExecutor();"),
                Arguments.of("executor", "/leak", "with 1 live thread(s) (custom-worker)",
                        "executor", "io.leakguard.fixture.executor.ExecutorServlet", "<clinit>",
                        "new ThreadPoolExecutor("),
                Arguments.of("executor", "/leak", "java.util.concurrent.ForkJoinPool@",
                        "executor", "io.leakguard.fixture.executor.ExecutorServlet", "<clinit>",
                        "new ForkJoinPool("),
                Arguments.of("jdbc-driver", "/leak", "] JDBC driver leak: ",
                        "fake-jdbc-driver", "io.leakguard.fixture.fakejdbc.FakeDriver", "<clinit>",
                        "DriverManager.registerDriver(new FakeDriver());"),
                Arguments.of("jvm-registrations", "/leak?kind=hook", "] ShutdownHook leak: ",
                        "jvm-registrations", REGISTRATIONS, "register", "Runtime.getRuntime().addShutdownHook("),
                Arguments.of("jvm-registrations", "/leak?kind=provider", "] SecurityProvider leak: ",
                        "jvm-registrations", REGISTRATIONS, "register", "Security.addProvider("),
                Arguments.of("jvm-registrations", "/leak?kind=providerat", "] SecurityProvider leak: ",
                        "jvm-registrations", REGISTRATIONS, "register", "Security.insertProviderAt("),
                Arguments.of("jvm-registrations", "/leak?kind=mbean", "] MBean leak: ",
                        "jvm-registrations", REGISTRATIONS, "registerMBean", "getPlatformMBeanServer().registerMBean("),
                Arguments.of("jvm-registrations", "/leak?kind=httpclient", "] HttpClient leak: ",
                        "jvm-registrations", REGISTRATIONS, "register", "HttpClient.newHttpClient();"),
                Arguments.of("jvm-registrations", "/leak?kind=httpclientbuilder", "] HttpClient leak: ",
                        "jvm-registrations", REGISTRATIONS, "register", "HttpClient.newBuilder().build();"),
                Arguments.of("jvm-registrations", "/leak?kind=httpclientauthenticated", "] HttpClient leak: ",
                        "jvm-registrations", REGISTRATIONS, "register", ".cookieHandler(new Cookies())"),
                Arguments.of("jvm-registrations", "/leak?kind=httpclientsingleton", "] HttpClient leak: ",
                        "jvm-registrations", REGISTRATIONS + "$Api", "<init>", "private final HttpClient client ="))
                // From Java 24 on an HttpClient that holds nothing of its application cannot pin it: no warning.
                .filter(kind -> JAVA < 24 || !((String) kind.get()[1]).matches(".*=httpclient(builder)?"));
    }

    @ParameterizedTest(name = "{0}{1}")
    @MethodSource("kinds")
    void warningNamesTheLineThatMadeTheLeak(String fixture, String request, String pick, String sourceModule,
            String className, String method, String lineText) {
        String site = Fixtures.site(sourceModule, className, method, lineText);
        // Every kind fixed, the hook too, so that each test leaves the JVM as it found it.
        LeakGuardClassLoader.setPolicy(Policy.defaults().with("shutdownHooks", Mode.FIX));
        Fixtures.guarded(fixture, request, (loader, log) -> {
            assertTrue(Gc.collected(loader), log.all());
            String warning = Fixtures.single(log.warnings("/app").stream().filter(w -> w.contains(pick)).toList());
            assertTrue(warning.contains("; created at " + site + "; fixed: "), warning);
        });
    }

    @Test
    void aTimerSaysWhereItWasMadeAndWhereItsTaskWasScheduled() {
        Fixtures.guarded("timer-own", "/leak", (loader, log) -> {
            assertTrue(Gc.collected(loader), log.all());
            String warning = Fixtures.single(
                    log.warnings("/app").stream().filter(w -> w.contains("] Timer leak: ")).toList());
            assertTrue(warning.contains("$RefreshReport@"), warning);
            assertTrue(warning.contains(" scheduled at " + Fixtures.site("timer-own",
                    "io.leakguard.fixture.timerown.ReportServlet", "<clinit>",
                    "TIMER.schedule(new RefreshReport(), 0, 50);") + "; on thread ["), warning);
        });
    }

    @Test
    void switchedOffTheWarningSaysNothingOfWhereAndTheClassIsUntouched() {
        LeakGuardClassLoader.setPolicy(Policy.defaults().with("creationSites", "off"));
        Fixtures.guarded("thread-spawned", "/leak", (loader, log) -> {
            assertTrue(Gc.collected(loader), log.all());
            String warning = Fixtures.single(log.warnings("/app"));
            assertFalse(warning.contains("created at"), warning);
        });
    }

    @Test
    void withFullStacksTheWarningNamesTheLineThenItsCallers() {
        LeakGuardClassLoader.setPolicy(Policy.defaults().with("creationSites", "stack"));
        String site = Fixtures.site("thread-spawned", "io.leakguard.fixture.threadspawned.SpawnedThreadServlet",
                "doGet", "waiter.start();");
        Fixtures.guarded("thread-spawned", "/leak", (loader, log) -> {
            assertTrue(Gc.collected(loader), log.all());
            String warning = Fixtures.single(log.warnings("/app"));
            assertTrue(warning.contains("; created at " + site
                    + " <- jakarta.servlet.http.HttpServlet.service(HttpServlet.java:"), warning);
            assertTrue(warning.contains(" <- org.apache.catalina.core.StandardWrapperValve.invoke("), warning);
            assertTrue(warning.contains(" <- java.lang.Thread.run(Thread.java:") && warning.contains("; fixed: "),
                    warning);
        });
    }

    @Test
    void theSettingTakesOnOffOrStack() {
        assertTrue(Policy.defaults().creationSites());
        assertFalse(Policy.defaults().creationSiteStacks());
        assertFalse(Policy.defaults().with("creationSites", "OFF").creationSites());
        Policy stacks = Policy.defaults().with("creationSites", "stack");
        assertTrue(stacks.creationSites() && stacks.creationSiteStacks());
        assertEquals("leakguard setting [creationSites] is [maybe]; accepted values: on, off, stack",
                assertThrows(IllegalArgumentException.class,
                        () -> Policy.defaults().with("creationSites", "maybe")).getMessage());
    }
}
