package io.leakguard.cleanup;

import static io.leakguard.testing.Fixtures.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.loader.LeakGuardClassLoader;
import io.leakguard.testing.EmbeddedTomcat;
import io.leakguard.testing.Fixtures;
import io.leakguard.testing.Gc;
import io.leakguard.testing.LogCapture;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Driver;
import java.sql.DriverManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.catalina.Context;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A web application's JDBC driver left registered with DriverManager. Tomcat deregisters such drivers itself, after
 * leakguard's pass, so on Tomcat the proof is that leakguard fixes it first and Tomcat then has nothing to claim;
 * that the registration really pins the loader is shown on a plain class loader, where nobody else cleans up.
 */
class JdbcDriversTest {

    private static final String DRIVER = "io.leakguard.fixture.fakejdbc.FakeDriver";
    private static final String TOMCAT_LOADER_LOG = "org.apache.catalina.loader.WebappClassLoaderBase";

    @AfterEach
    void restoreDefaults() {
        LeakGuardClassLoader.setPolicy(Policy.defaults());
    }

    @Test
    void registeredDriverPinsItsLoaderUntilTheEngineDeregistersIt() throws Exception {
        WeakReference<ClassLoader> dying = loaderThatRegisteredTheDriver();
        assertTrue(Gc.leaked(dying));

        Report switchedOff = CleanupEngine.standard().clean(dying.get(), "/x",
                Policy.defaults().with("jdbcDrivers", Mode.OFF));
        assertEquals(List.of(), switchedOff.findings());
        assertTrue(Gc.leaked(dying));

        Report report = CleanupEngine.standard().clean(dying.get(), "/x", Policy.defaults());
        assertTrue(Gc.collected(dying), report.findings().toString());
        assertEquals("leakguard: [/x] JDBC driver leak: " + DRIVER + " registered with java.sql.DriverManager;"
                + " held through DriverManager.registeredDrivers; fixed: deregistered from DriverManager",
                single(report.findings().stream().map(Finding::message).toList()));
    }

    @Test
    void warnPolicyReportsAndLeavesTheDriverRegistered() throws Exception {
        WeakReference<ClassLoader> dying = loaderThatRegisteredTheDriver();
        Report warned = CleanupEngine.standard().clean(dying.get(), "/x",
                Policy.defaults().with("jdbcDrivers", Mode.WARN));
        assertTrue(single(warned.findings().stream().map(Finding::message).toList())
                .endsWith("not fixed: left in place because leakguard setting jdbcDrivers=warn"));
        assertTrue(Gc.leaked(dying));

        CleanupEngine.standard().clean(dying.get(), "/x", Policy.defaults());
        assertTrue(Gc.collected(dying));
    }

    /**
     * DriverManager initialises, in the lister's loader, a driver class of the same name as any registered driver, and
     * the dying loader's copy then registers itself. That is leakguard's doing, not the application's: it must leave
     * no driver behind and report none, and the other loader's driver must stay registered.
     */
    @Test
    void listingLeavesNoDriverBehindAndTheOtherLoadersDriverRegistered() throws Exception {
        listingLeavesNoDriverBehindAndTheOtherLoadersDriverRegistered(CleanupEngine.standard());
    }

    /** Without --add-opens=java.sql/java.sql the drivers are listed through DriverManager, as above. */
    @Test
    void withoutTheJavaSqlFlagListingThroughDriverManagerLeavesNoDriverBehind() throws Exception {
        listingLeavesNoDriverBehindAndTheOtherLoadersDriverRegistered(
                new CleanupEngine(List.of(new JdbcDrivers(false))));
    }

    @Test
    void withoutTheJavaSqlFlagADriverTheApplicationSeesIsStillDeregistered() throws Exception {
        WeakReference<ClassLoader> dying = loaderThatRegisteredTheDriver();
        Report report = new CleanupEngine(List.of(new JdbcDrivers(false))).clean(dying.get(), "/x", Policy.defaults());
        assertTrue(Gc.collected(dying), report.findings().toString());
        assertTrue(single(report.findings().stream().map(Finding::message).toList())
                .endsWith("fixed: deregistered from DriverManager"));
    }

    private static void listingLeavesNoDriverBehindAndTheOtherLoadersDriverRegistered(CleanupEngine engine)
            throws Exception {
        WeakReference<ClassLoader> other = loaderThatRegisteredTheDriver();
        URLClassLoader loader = loaderOverTheDriverJar();
        Class.forName(DRIVER, false, loader);
        WeakReference<ClassLoader> dying = new WeakReference<>(loader);
        loader = null;

        assertEquals(List.of(), engine.clean(dying.get(), "/x", Policy.defaults()).findings());
        assertTrue(Gc.collected(dying));
        assertTrue(Gc.leaked(other));

        CleanupEngine.standard().clean(other.get(), "/other", Policy.defaults());
        assertTrue(Gc.collected(other));
    }

    /**
     * DriverManager runs a driver's DriverAction, the application's code, before it lets the driver go, and keeps the
     * driver when that fails, here on a pool the application's stop closed already; the other driver must still go.
     */
    @Test
    void aDriverWhoseDeregistrationFailsLeavesTheOthersDeregistered() throws Exception {
        URLClassLoader dying = loaderOverTheDriverJar();
        Class<?> type = Class.forName(DRIVER, true, dying);
        DriverManagerCaller caller = DriverManagerCaller.beside(type);
        Driver registered = caller.drivers().get(0);
        Driver failing = (Driver) type.getDeclaredConstructor().newInstance();
        AtomicBoolean poolClosed = new AtomicBoolean(true);
        // Ahead of the one its class registered, so that the check meets it first.
        caller.deregister(registered);
        DriverManager.registerDriver(failing, () -> {
            if (poolClosed.get()) {
                throw new IllegalStateException("pool already closed");
            }
        });
        DriverManager.registerDriver(registered);
        try {
            List<Finding> findings = Passes.findings(dying, "JDBC driver");

            assertEquals(List.of(failing), caller.drivers(), findings::toString);
            assertEquals(List.of("DriverManager.deregisterDriver failed with java.lang.IllegalStateException: pool"
                    + " already closed; left registered", "deregistered from DriverManager"),
                    findings.stream().map(Finding::action).toList());
        } finally {
            poolClosed.set(false);
            for (Driver driver : caller.drivers()) {
                caller.deregister(driver);
            }
        }
    }

    /**
     * A DriverAction that waits for work that no longer ends, such as a pool draining connections nobody returns: the
     * pass waits for it only as long as for a thread to stop.
     */
    @Test
    void aDriverWhoseDeregistrationBlocksKeepsThePassOnlyForTheThreadStopWait() throws Exception {
        CallbackGate gate = CallbackGate.fresh();
        URLClassLoader dying = loaderOverTheDriverJar();
        DriverManagerCaller caller = DriverManagerCaller.beside(Class.forName(DRIVER, true, dying));
        Driver driver = caller.drivers().get(0);
        caller.deregister(driver);
        DriverManager.registerDriver(driver, gate::awaitRelease);
        try {
            List<Finding> findings = Passes.waitingForCode(dying, "JDBC driver");

            assertEquals(List.of("DriverManager.deregisterDriver, which runs the driver's DriverAction, was still"
                    + " running after 300 ms, left to finish on its own thread"),
                    findings.stream().map(Finding::action).toList());
        } finally {
            gate.release.countDown();
        }
    }

    @Test
    void stockTomcatDeregistersTheDriverItselfAndSaysSo() {
        try (LogCapture tomcatLog = LogCapture.of(TOMCAT_LOADER_LOG)) {
            Fixtures.stock("jdbc-driver", "/leak", (loader, log) -> {
                assertTrue(Gc.collected(loader), tomcatLog.all());
                assertTrue(tomcatLog.all().contains("registered the JDBC driver [" + DRIVER + "]"), tomcatLog.all());
            });
        }
    }

    @Test
    void leakGuardDeregistersTheDriverBeforeTomcatLooks() {
        try (LogCapture tomcatLog = LogCapture.of(TOMCAT_LOADER_LOG)) {
            Fixtures.guarded("jdbc-driver", "/leak", (loader, log) -> {
                assertTrue(Gc.collected(loader), log.all());
                String warning = single(log.warnings("/app"));
                assertTrue(warning.contains("JDBC driver leak: " + DRIVER + " registered with java.sql.DriverManager;"
                        + " held through DriverManager.registeredDrivers; created at " + DRIVER + ".<clinit>("),
                        warning);
                assertTrue(warning.endsWith("; fixed: deregistered from DriverManager"), warning);
                assertFalse(tomcatLog.all().contains("JDBC driver"), tomcatLog.all());
            });
        }
    }

    /**
     * A driver the application loaded through a class loader of its own: DriverManager lists it to no caller of the
     * application's loader, which sees another class of that name, so Tomcat leaves it and so would listing alone.
     */
    @Test
    void stockTomcatMissesADriverOfTheApplicationsOwnLoader() {
        Fixtures.stock("jdbc-driver", "/leak?loader=own", (loader, log) -> assertTrue(Gc.leaked(loader)));
    }

    @Test
    void leakGuardDeregistersADriverOfTheApplicationsOwnLoader() {
        Fixtures.guarded("jdbc-driver", "/leak?loader=own", (loader, log) -> {
            assertTrue(Gc.collected(loader), log.all());
            // Every request loaded the driver through a new loader of its own: one driver, and one warning, each.
            List<String> warnings = log.warnings("/app");
            assertEquals(4, warnings.size(), log.all());
            for (String warning : warnings) {
                assertTrue(warning.contains("JDBC driver leak: " + DRIVER + " registered with java.sql.DriverManager;"
                        + " held through DriverManager.registeredDrivers -> its class's loader"
                        + " io.leakguard.fixture.jdbcdriver.DriverServlet$DriverLoader@"), warning);
                assertTrue(warning.contains(", below the application's; created at " + DRIVER + ".<clinit>("),
                        warning);
                assertTrue(warning.endsWith("; fixed: deregistered from DriverManager"), warning);
            }
        });
    }

    /** The same on Tomcat, with two copies of the application: one used its driver, the one stopping did not. */
    @Test
    void anotherApplicationsDriverOfTheSameClassStaysAndListingLeavesNothingBehind() {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(); LogCapture log = LogCapture.start()) {
            Context other = tomcat.deploy("jdbc-driver", "/other", true);
            Context app = tomcat.deploy("jdbc-driver", "/app", true);
            tomcat.get("/other/leak");
            tomcat.get("/app/leak?driver=skip");

            WeakReference<ClassLoader> loader = tomcat.undeploy(app);

            assertTrue(Gc.collected(loader), log.all());
            assertEquals(List.of(), log.warnings("/app"));
            assertTrue(tomcat.get("/other/leak").endsWith(DRIVER), "the other application lost its driver");
            tomcat.undeploy(other);
        }
    }

    /** A loader over the fixture's driver jar alone, after the driver class registered itself. */
    private static WeakReference<ClassLoader> loaderThatRegisteredTheDriver() throws Exception {
        URLClassLoader loader = loaderOverTheDriverJar();
        Class.forName(DRIVER, true, loader);
        assertThrows(ClassNotFoundException.class, () -> Class.forName(DRIVER, false,
                JdbcDriversTest.class.getClassLoader()), "the driver must not be on the test class path");
        return new WeakReference<>(loader);
    }

    private static URLClassLoader loaderOverTheDriverJar() throws IOException {
        return new URLClassLoader(new URL[] {driverJar().toUri().toURL()}, JdbcDriversTest.class.getClassLoader());
    }

    /** The driver jar exactly as the jdbc-driver fixture bundles it in WEB-INF/lib. */
    private static Path driverJar() throws IOException {
        try (ZipFile war = new ZipFile(EmbeddedTomcat.fixtureWar("jdbc-driver").toFile())) {
            ZipEntry jar = war.stream()
                    .filter(entry -> entry.getName().startsWith("WEB-INF/lib/leakguard-fixture-fake-jdbc-driver"))
                    .findFirst().orElseThrow();
            Path copy = Files.createTempFile("fake-jdbc-driver", ".jar");
            copy.toFile().deleteOnExit();
            try (InputStream in = war.getInputStream(jar)) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            return copy;
        }
    }
}
