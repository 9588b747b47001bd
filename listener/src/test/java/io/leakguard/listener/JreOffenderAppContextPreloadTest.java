package io.leakguard.listener;

import org.junit.jupiter.api.Test;

class JreOffenderAppContextPreloadTest {

    @Test
    void preloadedAppContextKeepsTheSystemLoaderInstead() {
        JreOffenderEvidence.preload("appContext");
        JreOffenderEvidence.assertCollected("offender-appcontext");
    }
}
