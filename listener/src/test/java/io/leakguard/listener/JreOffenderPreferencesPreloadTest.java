package io.leakguard.listener;

import org.junit.jupiter.api.Test;

class JreOffenderPreferencesPreloadTest {

    @Test
    void preloadedPreferencesTimerKeepsTheSystemLoaderInstead() {
        JreOffenderEvidence.preload("preferences");
        JreOffenderEvidence.assertCollected("offender-prefs");
    }
}
