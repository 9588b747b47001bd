package io.leakguard.listener;

import org.junit.jupiter.api.Test;

class JreOffenderClassesToInitializePreloadTest {

    @Test
    void listedClassInitialisedAtStartKeepsTheSystemLoaderInstead() {
        System.setProperty(JreOffenders.CLASSES_TO_INITIALIZE, "java.util.prefs.FileSystemPreferences");
        try {
            JreOffenderEvidence.preload("classesToInitialize");
        } finally {
            System.clearProperty(JreOffenders.CLASSES_TO_INITIALIZE);
        }
        JreOffenderEvidence.assertCollected("offender-prefs");
    }
}
