package io.leakguard.listener;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testing.Gc;
import org.junit.jupiter.api.Test;

class JreOffenderDriverManagerPreloadTest {

    @Test
    void preloadedScanLeavesTheWebappDriverUnregistered() {
        JreOffenderEvidence.preload("driverManager");
        JreOffenderEvidence.stock("offender-drivermanager", (drivers, loader) -> {
            assertFalse(drivers.contains("BundledDriver"), drivers);
            assertTrue(Gc.collected(loader), "leaked");
        });
    }
}
