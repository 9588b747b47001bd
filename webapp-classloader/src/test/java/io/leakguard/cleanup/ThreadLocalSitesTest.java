package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.leakguard.sites.CreationSites;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which creation site a ThreadLocal leak names when more than one web application sets the same ThreadLocal. */
class ThreadLocalSitesTest {

    private final DyingLoader loader = new DyingLoader();
    private final CleanupEngine engine = new CleanupEngine(List.of(new ThreadLocalEntries()));

    @Test
    void aServerThreadLocalNamesTheSiteInTheDyingApplicationNotTheLatest() throws Exception {
        assumeTrue(LoadedClasses.CLASSES.available(), "needs --add-opens=java.base/java.lang=ALL-UNNAMED");
        ThreadLocal<Object> shared = new ThreadLocal<>();
        String own = DyingLoader.Marker.class.getName() + ".doGet(DyingLoader.java:12)";
        shared.set(loader.newMarker());
        CreationSites.record(shared, own);
        CreationSites.record(shared, "com.acme.other.Servlet.doGet(Servlet.java:7)");

        Report report = engine.clean(loader, "/t", Policy.defaults());

        assertEquals(List.of(own), report.findings().stream().map(Finding::createdAt).toList());
    }

    @Test
    void aThreadLocalSetInOnePlaceNamesIt() throws Exception {
        ThreadLocal<Object> own = new ThreadLocal<>();
        own.set(loader.newMarker());
        CreationSites.record(own, "com.acme.Servlet.doGet(Servlet.java:7)");

        Report report = engine.clean(loader, "/t", Policy.defaults());

        assertEquals(List.of("com.acme.Servlet.doGet(Servlet.java:7)"),
                report.findings().stream().map(Finding::createdAt).toList());
    }
}
