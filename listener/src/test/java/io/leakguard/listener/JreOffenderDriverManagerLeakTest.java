package io.leakguard.listener;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testing.Gc;
import org.junit.jupiter.api.Test;

/**
 * The first DriverManager scan registers the drivers it finds through the context class loader, so a web application
 * that runs it registers the driver in its own WEB-INF. Measured on JDK 17 and JDK 25: the loader is still collected
 * on stock Tomcat, because Tomcat's clearReferencesJdbc force-unregisters that driver on stop (with a warning).
 */
class JreOffenderDriverManagerLeakTest {

    @Test
    void firstDriverScanByAWebappRegistersItsDriverAndTomcatForcesItOut() {
        JreOffenderEvidence.stock("offender-drivermanager", (drivers, loader) -> {
            assertTrue(drivers.contains("io.leakguard.fixture.offenderdrivermanager.BundledDriver"), drivers);
            assertTrue(Gc.collected(loader), "leaked");
        });
    }
}
