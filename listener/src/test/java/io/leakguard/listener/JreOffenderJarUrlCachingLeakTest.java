package io.leakguard.listener;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testing.Gc;
import org.junit.jupiter.api.Test;

/**
 * The JDK's jar: URL cache keeps the JarFile, not the class loader: measured on JDK 17 and JDK 25, the loader is
 * collected but the WEB-INF/lib jar stays open after undeploy, which on Windows blocks deleting or redeploying it.
 */
class JreOffenderJarUrlCachingLeakTest {

    @Test
    void cachedJarUrlKeepsTheWebappJarOpen() {
        JreOffenderEvidence.stock("offender-jar-url", (entry, loader) -> {
            assertTrue(Gc.collected(loader), "leaked");
            assertTrue(OpenFiles.contains(OpenFiles.jarOf(entry)), entry);
        });
    }
}
