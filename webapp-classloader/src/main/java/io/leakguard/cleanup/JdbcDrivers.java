package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import io.leakguard.sites.CreationSites;
import java.sql.Driver;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * JDBC drivers of the dying web application still registered with {@link java.sql.DriverManager}, a JDK class that
 * holds them, and through them their loader, for as long as the JVM lives. Every driver registers itself when its
 * class is initialised; few applications deregister. The fix deregisters exactly the drivers whose class belongs to
 * the dying application, so a driver the server or another application registered stays usable.
 */
final class JdbcDrivers implements LeakCheck {

    private static final List<String> CHAIN = List.of("DriverManager.registeredDrivers");

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
    public void run(Scan scan) throws Exception {
        // Any class of the application will do: DriverManager only asks for its loader.
        Optional<Class<?>> anchor = LoadedClasses.of(scan.loader()).stream().findFirst();
        if (anchor.isEmpty()) {
            return;
        }
        DriverManagerCaller lister = DriverManagerCaller.beside(anchor.get());
        Set<Driver> registeredByWebapp = Collections.newSetFromMap(new IdentityHashMap<>());
        registeredByWebapp.addAll(owned(lister.drivers(), scan));
        // Listing is not harmless: for each registered driver DriverManager initialises the class of the same name in
        // the caller's loader, and a driver class registers itself when initialised. So another application's driver
        // makes the dying one register its own copy here; listing again finds those, which leakguard itself caused
        // and deregisters whatever the policy, without reporting them as the application's leak.
        Map<ClassLoader, DriverManagerCaller> deregisterers = new IdentityHashMap<>();
        for (Driver driver : owned(lister.drivers(), scan)) {
            boolean leaked = registeredByWebapp.contains(driver);
            if (leaked && !scan.fixing()) {
                leak(scan, driver).warned(scan.policyReason());
                continue;
            }
            // Deregistration is judged against the driver's own loader, which may be a child of the dying one.
            deregisterers.computeIfAbsent(driver.getClass().getClassLoader(),
                    loader -> DriverManagerCaller.beside(driver.getClass())).deregister(driver);
            if (leaked) {
                leak(scan, driver).fixed("deregistered from DriverManager");
            }
        }
    }

    private static Scan.Leak leak(Scan scan, Driver driver) {
        return scan.leak(driver.getClass().getName() + " registered with java.sql.DriverManager").via(CHAIN)
                .createdAt(CreationSites.of(driver));
    }

    private static List<Driver> owned(List<Driver> drivers, Scan scan) {
        return drivers.stream().filter(driver -> scan.ownership().owns(driver.getClass())).toList();
    }
}
