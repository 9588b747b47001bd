package io.leakguard.listener;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testing.Gc;
import org.junit.jupiter.api.Test;

class JreOffenderSecureRandomPreloadTest {

    @Test
    void preloadedSeedGeneratorKeepsTheSystemLoaderInstead() {
        JreOffenderEvidence.preload("secureRandom");
        SeedFirstTomcat.run("offender-seed", loader -> assertTrue(Gc.collected(loader), "leaked"));
    }
}
