package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.JdkInternals;
import io.leakguard.sites.CreationSites;
import java.sql.Driver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * JDBC drivers of the dying web application still registered with {@link java.sql.DriverManager}, a JDK class that
 * holds them, and through them their loader, for as long as the JVM lives. Every driver registers itself when its
 * class is initialised; few applications deregister. The fix deregisters exactly the drivers whose class belongs to
 * the dying application, so a driver the server or another application registered stays usable.
 *
 * <p>{@code DriverManager.getDrivers()} shows a caller only the drivers whose class its loader resolves to that very
 * class, so a driver the application loaded through a class loader of its own (as applications that read drivers from
 * a configured directory do) is shown to no caller of the application's loader, which resolves the name to its own
 * copy or to nothing; Tomcat misses such a driver for the same reason. With
 * {@code --add-opens=java.sql/java.sql=ALL-UNNAMED} the drivers are read from DriverManager's own list instead, which
 * finds those too; without it, only the drivers the application's loader can see are found.
 */
final class JdbcDrivers implements LeakCheck {

    private static final List<String> CHAIN = List.of("DriverManager.registeredDrivers");
    /** Optional: a JVM without the flag lists drivers through DriverManager instead (see the class comment). */
    private static final Optional<InternalField> REGISTERED_DRIVERS =
            JdkInternals.optionalField("java.sql.DriverManager", "registeredDrivers");
    private static final Optional<InternalField> DRIVER_OF_INFO =
            JdkInternals.optionalField("java.sql.DriverInfo", "driver");

    private final boolean readRegistry;

    JdbcDrivers() {
        this(REGISTERED_DRIVERS.filter(InternalField::available).isPresent()
                && DRIVER_OF_INFO.filter(InternalField::available).isPresent());
    }

    /** {@code readRegistry} false: as on a JVM without {@code --add-opens=java.sql/java.sql=ALL-UNNAMED}. */
    JdbcDrivers(boolean readRegistry) {
        this.readRegistry = readRegistry;
    }

    @Override
    public String id() {
        return "jdbcDrivers";
    }

    @Override
    public String kind() {
        return "JDBC driver";
    }

    @Override
    public Mode defaultMode() {
        return Mode.FIX;
    }

    @Override
    public List<Internal> needs() {
        return List.of(LoadedClasses.CLASSES);
    }

    @Override
    public List<Improvement> improvedBy() {
        return Improvement.where(REGISTERED_DRIVERS, "JDBC drivers registered through a web application's own child"
                + " class loader are found and deregistered");
    }

    @Override
    public void run(Scan scan) throws Exception {
        Optional<Supplier<List<Driver>>> registered = readRegistry ? Optional.of(JdbcDrivers::inRegistry)
                : listerBeside(scan.loader()).map(lister -> lister::drivers);
        if (registered.isEmpty()) {
            return;
        }
        Set<Driver> registeredByWebapp = Collections.newSetFromMap(new IdentityHashMap<>());
        registeredByWebapp.addAll(owned(registered.get().get(), scan));
        // Listing through DriverManager is not harmless: for each registered driver it initialises the class of the
        // same name in the caller's loader, and a driver class registers itself when initialised. So another
        // application's driver makes the dying one register its own copy here; listing again finds those, which
        // leakguard itself caused and deregisters whatever the policy, without reporting them as the application's.
        Map<ClassLoader, DriverManagerCaller> deregisterers = new IdentityHashMap<>();
        Duration wait = scan.policy().threadStopWait();
        for (Driver driver : owned(registered.get().get(), scan)) {
            boolean leaked = registeredByWebapp.contains(driver);
            if (leaked && !scan.fixing()) {
                leak(scan, driver).warned(scan.policyReason());
                continue;
            }
            // Deregistration is judged against the driver's own loader, which may be a child of the dying one.
            DriverManagerCaller deregisterer = deregisterers.computeIfAbsent(driver.getClass().getClassLoader(),
                    loader -> DriverManagerCaller.beside(driver.getClass()));
            // DriverManager runs the driver's DriverAction, the application's code, before it lets the driver go,
            // and under its lock: a failure keeps that driver registered, and neither it nor an action that waits for
            // good must keep the application's other drivers, or the pass.
            BoundedCall deregistration = BoundedCall.run("leakguard-deregister-driver",
                    () -> deregisterer.deregister(driver), wait);
            if (deregistration.running()) {
                leak(scan, driver).warned("DriverManager.deregisterDriver, which runs the driver's DriverAction, was"
                        + " still running after " + wait.toMillis() + " ms, left to finish on its own thread");
                continue;
            }
            if (!deregistration.returned()) {
                leak(scan, driver).warned("DriverManager.deregisterDriver failed with "
                        + Describe.failure(deregistration.failure())
                        + "; left registered");
                continue;
            }
            if (leaked) {
                leak(scan, driver).fixed("deregistered from DriverManager");
            }
        }
    }

    /** A caller beside any class of the application: DriverManager only asks for its loader. */
    private static Optional<DriverManagerCaller> listerBeside(ClassLoader loader) {
        return LoadedClasses.of(loader).stream().findFirst().map(DriverManagerCaller::beside);
    }

    /** Every registered driver, whatever its loader, read without DriverManager initialising anything. */
    private static List<Driver> inRegistry() {
        List<Driver> drivers = new ArrayList<>();
        for (Object info : (Iterable<?>) REGISTERED_DRIVERS.orElseThrow().get(null)) {
            drivers.add((Driver) DRIVER_OF_INFO.orElseThrow().get(info));
        }
        return drivers;
    }

    private static Scan.Leak leak(Scan scan, Driver driver) {
        ClassLoader loader = driver.getClass().getClassLoader();
        List<String> chain = loader == scan.loader() ? CHAIN
                : List.of(CHAIN.get(0), "its class's loader " + Describe.object(loader) + ", below the application's");
        return scan.leak(driver.getClass().getName() + " registered with java.sql.DriverManager").via(chain)
                .createdAt(CreationSites.of(driver));
    }

    private static List<Driver> owned(List<Driver> drivers, Scan scan) {
        return drivers.stream().filter(driver -> scan.ownership().owns(driver.getClass())).toList();
    }
}
