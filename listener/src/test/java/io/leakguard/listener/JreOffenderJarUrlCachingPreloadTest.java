package io.leakguard.listener;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testing.Gc;
import org.junit.jupiter.api.Test;

class JreOffenderJarUrlCachingPreloadTest {

    @Test
    void uncachedJarUrlClosesTheWebappJar() {
        JreOffenderEvidence.preload("jarUrlCaching");
        JreOffenderEvidence.stock("offender-jar-url", (entry, loader) -> {
            assertTrue(Gc.collected(loader), "leaked");
            assertFalse(OpenFiles.contains(OpenFiles.jarOf(entry)), entry);
        });
    }
}
